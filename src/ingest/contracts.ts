/**
 * Dataset contracts: what each provider delivers, column by column.
 *
 * One source of truth for the synthetic generator (which writes these files), the provider-side
 * pseudonymisation (which replaces the identifier columns), ingest (which validates every row
 * against the contract and quarantines the rest), the indicator engine (which reads the broker
 * tables), and governance (agreements list the datasets they cover).
 *
 * Columns carry the names the provider delivers (Dutch register names). An identifier column `x`
 * reaches the broker as `x_pseudonym` (see `brokerColumnName`).
 */
import { z } from 'zod';

export const PROVIDERS = [
  'gemeenten',
  'belastingdienst',
  'politie',
  'om',
  'kvk',
  'kadaster',
  'fiu',
  'uwv',
] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const OFFENCE_CLASSES = [
  'drugs_productie',
  'drugs_handel',
  'witwassen',
  'mensenhandel',
  'geweld',
  'vermogen',
  'overig',
] as const;

export const LEGAL_FORMS = [
  'eenmanszaak',
  'vof',
  'bv',
  'nv',
  'stichting',
  'vereniging',
  'cooperatie',
] as const;

export const BENEFIT_TYPES = ['ww', 'bijstand', 'wia', 'wajong', 'aow'] as const;

const columnSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(['VARCHAR', 'INTEGER', 'BIGINT', 'DOUBLE', 'DATE', 'BOOLEAN']),
  nullable: z.boolean().default(false),
  /** Direct identifier that the provider replaces by a pseudonym before delivery. */
  identifier: z.enum(['bsn', 'kvk']).optional(),
  /** Column holds a CBS region code of this level (validated against the region set). */
  regionLevel: z.enum(['buurt', 'wijk', 'gemeente']).optional(),
  /** Allowed values for categorical columns. */
  values: z.array(z.string()).optional(),
  /** How the provider writes dates in CSV: ISO (YYYY-MM-DD) or Dutch (DD-MM-YYYY). */
  dateFormat: z.enum(['iso', 'dutch']).optional(),
  description: z.string(),
});

export const datasetSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    provider: z.enum(PROVIDERS),
    title: z.string(),
    /** File name inside the provider's delivery directory. */
    file: z.string(),
    format: z.enum(['csv-semicolon', 'parquet']),
    /** Unit of a row, for the linkage report. */
    unit: z.string(),
    columns: z.array(columnSchema).min(1),
    /** Columns that together identify a row; a repeat is a duplicate. */
    key: z.array(z.string()).min(1),
    /** Identifier columns where exactly one of the group must be present (e.g. buyer BSN or KvK). */
    oneOf: z.array(z.array(z.string())).default([]),
    /**
     * The column whose year is a row's period (an INTEGER year or a DATE). A dataset with a
     * period is delivered per year; one without (a register) is replaced whole by a new delivery.
     */
    period: z.string().optional(),
  })
  .superRefine((d, ctx) => {
    const names = new Set(d.columns.map((c) => c.name));
    for (const k of [...d.key, ...d.oneOf.flat()]) {
      if (!names.has(k)) ctx.addIssue({ code: 'custom', message: `${d.id}: unknown column ${k}` });
    }
    if (d.period !== undefined) {
      const column = d.columns.find((c) => c.name === d.period);
      if (!column) {
        ctx.addIssue({ code: 'custom', message: `${d.id}: unknown period column ${d.period}` });
      } else if (column.type !== 'INTEGER' && column.type !== 'DATE') {
        ctx.addIssue({
          code: 'custom',
          message: `${d.id}: period column ${d.period} must be INTEGER or DATE, not ${column.type}`,
        });
      }
    }
    const expected = d.format === 'parquet' ? '.parquet' : '.csv';
    if (!d.file.endsWith(expected)) {
      ctx.addIssue({ code: 'custom', message: `${d.id}: file ${d.file} must end in ${expected}` });
    }
  });

export type ColumnContract = z.infer<typeof columnSchema>;
export type DatasetContract = z.infer<typeof datasetSchema>;

const col = (
  name: string,
  type: ColumnContract['type'],
  description: string,
  extra: Partial<ColumnContract> = {},
) => ({ name, type, description, nullable: false, ...extra });

/** The BSN column a provider pseudonymises before delivery. */
const bsnColumn = (description: string, extra: Partial<ColumnContract> = {}) =>
  col('bsn', 'VARCHAR', description, { identifier: 'bsn', ...extra });

const RAW_DATASETS = [
  {
    id: 'brp_personen',
    provider: 'gemeenten',
    title: 'BRP: ingezetenen per peiljaar (1 januari)',
    format: 'csv-semicolon',
    unit: 'person-year',
    period: 'peiljaar',
    key: ['peiljaar', 'bsn'],
    columns: [
      col('peiljaar', 'INTEGER', 'Year of the reference date (1 January).'),
      bsnColumn('Burgerservicenummer.'),
      col('buurtcode', 'VARCHAR', 'Buurt of the address.', { regionLevel: 'buurt' }),
      col('geboortedatum', 'DATE', 'Date of birth.', { dateFormat: 'dutch' }),
      col('geslacht', 'VARCHAR', 'Sex as registered.', { values: ['M', 'V'] }),
      col('huishoudnummer', 'VARCHAR', 'Household id of the gemeente (not an identifier).'),
    ],
  },
  {
    id: 'bd_inkomen',
    provider: 'belastingdienst',
    title: 'Belastingdienst: verzamelinkomen en vermogen per persoon',
    format: 'parquet',
    unit: 'person-year',
    period: 'jaar',
    key: ['jaar', 'bsn'],
    columns: [
      col('jaar', 'INTEGER', 'Tax year.'),
      bsnColumn('Burgerservicenummer.'),
      col('verzamelinkomen', 'DOUBLE', 'Taxable income in euros.'),
      col('vermogen', 'DOUBLE', 'Box 3 wealth in euros on 1 January.'),
    ],
  },
  {
    id: 'bd_schulden',
    provider: 'belastingdienst',
    title: 'Belastingdienst: openstaande belastingschulden',
    format: 'parquet',
    unit: 'person-year',
    period: 'jaar',
    key: ['jaar', 'bsn'],
    columns: [
      col('jaar', 'INTEGER', 'Year.'),
      bsnColumn('Burgerservicenummer.'),
      col('openstaand_bedrag', 'DOUBLE', 'Outstanding tax debt in euros on 31 December.'),
      col('dwanginvordering', 'BOOLEAN', 'Enforced collection started.'),
    ],
  },
  {
    id: 'politie_verdachten',
    provider: 'politie',
    title: 'Politie: verdachtenregistraties (HKS/BVH)',
    format: 'csv-semicolon',
    unit: 'registration',
    period: 'pleegdatum',
    key: ['registratienummer'],
    columns: [
      col('registratienummer', 'VARCHAR', 'Registration number of the police.'),
      bsnColumn('Burgerservicenummer of the suspect.'),
      col('pleegdatum', 'DATE', 'Date of the offence.', { dateFormat: 'dutch' }),
      col('delictklasse', 'VARCHAR', 'Offence class.', { values: [...OFFENCE_CLASSES] }),
      col('pleeg_buurtcode', 'VARCHAR', 'Buurt where the offence took place.', {
        regionLevel: 'buurt',
      }),
    ],
  },
  {
    id: 'politie_ontmantelingen',
    provider: 'politie',
    title: 'Politie: ontmantelde hennepkwekerijen',
    format: 'csv-semicolon',
    unit: 'plantation',
    period: 'ontmantelingsdatum',
    key: ['zaaknummer'],
    columns: [
      col('zaaknummer', 'VARCHAR', 'Case number.'),
      col('ontmantelingsdatum', 'DATE', 'Date of dismantling.', { dateFormat: 'dutch' }),
      col('buurtcode', 'VARCHAR', 'Buurt of the plantation.', { regionLevel: 'buurt' }),
      col('aantal_planten', 'INTEGER', 'Number of plants found.'),
    ],
  },
  {
    id: 'om_veroordelingen',
    provider: 'om',
    title: 'OM: onherroepelijke veroordelingen',
    format: 'parquet',
    unit: 'conviction',
    period: 'vonnisdatum',
    key: ['parketnummer'],
    columns: [
      col('parketnummer', 'VARCHAR', 'Case number of the public prosecutor.'),
      bsnColumn('Burgerservicenummer of the convicted person.'),
      col('vonnisdatum', 'DATE', 'Date of the final judgement.'),
      col('delictklasse', 'VARCHAR', 'Offence class.', { values: [...OFFENCE_CLASSES] }),
    ],
  },
  {
    id: 'kvk_vestigingen',
    provider: 'kvk',
    title: 'KvK: vestigingen van ondernemingen en rechtspersonen',
    format: 'parquet',
    unit: 'establishment',
    key: ['vestigingsnummer'],
    columns: [
      col('vestigingsnummer', 'VARCHAR', 'Establishment number (12 digits).'),
      col('kvk_nummer', 'VARCHAR', 'KvK-nummer (8 digits).', { identifier: 'kvk' }),
      col('sbi_code', 'VARCHAR', 'SBI 2008 activity code (4 or 5 digits).'),
      col('rechtsvorm', 'VARCHAR', 'Legal form.', { values: [...LEGAL_FORMS] }),
      col('buurtcode', 'VARCHAR', 'Buurt of the establishment.', { regionLevel: 'buurt' }),
      col('startdatum', 'DATE', 'Registration date.'),
      col('einddatum', 'DATE', 'Deregistration date.', { nullable: true }),
    ],
  },
  {
    id: 'kvk_bestuurders',
    provider: 'kvk',
    title: 'KvK: bestuurders en functionarissen',
    format: 'parquet',
    unit: 'directorship',
    key: ['kvk_nummer', 'bsn', 'startdatum'],
    columns: [
      col('kvk_nummer', 'VARCHAR', 'KvK-nummer.', { identifier: 'kvk' }),
      bsnColumn('Burgerservicenummer of the director.'),
      col('functie', 'VARCHAR', 'Role.', { values: ['bestuurder', 'eigenaar', 'vennoot'] }),
      col('startdatum', 'DATE', 'Start of the role.'),
      col('einddatum', 'DATE', 'End of the role.', { nullable: true }),
    ],
  },
  {
    id: 'kadaster_transacties',
    provider: 'kadaster',
    title: 'Kadaster: eigendomsoverdrachten van woningen',
    format: 'csv-semicolon',
    unit: 'transaction',
    period: 'transactiedatum',
    key: ['transactie_id'],
    oneOf: [['koper_bsn', 'koper_kvk_nummer']],
    columns: [
      col('transactie_id', 'VARCHAR', 'Transaction id.'),
      col('object_id', 'VARCHAR', 'BAG object id of the dwelling.'),
      col('buurtcode', 'VARCHAR', 'Buurt of the dwelling.', { regionLevel: 'buurt' }),
      col('koopsom', 'DOUBLE', 'Purchase price in euros.'),
      col('transactiedatum', 'DATE', 'Date of transfer.', { dateFormat: 'iso' }),
      col('koper_bsn', 'VARCHAR', 'Buyer, when a natural person.', {
        identifier: 'bsn',
        nullable: true,
      }),
      col('koper_kvk_nummer', 'VARCHAR', 'Buyer, when a business or stichting.', {
        identifier: 'kvk',
        nullable: true,
      }),
      col('hypotheekbedrag', 'DOUBLE', 'Mortgage registered with the purchase, in euros.'),
    ],
  },
  {
    id: 'kadaster_woningen',
    provider: 'kadaster',
    title: 'Kadaster/BAG: woningvoorraad',
    format: 'csv-semicolon',
    unit: 'dwelling',
    key: ['object_id'],
    columns: [
      col('object_id', 'VARCHAR', 'BAG object id.'),
      col('buurtcode', 'VARCHAR', 'Buurt of the dwelling.', { regionLevel: 'buurt' }),
      col('bouwjaar', 'INTEGER', 'Year of construction.'),
    ],
  },
  {
    id: 'fiu_meldingen',
    provider: 'fiu',
    title: 'FIU-Nederland: verdachte transacties',
    format: 'parquet',
    unit: 'report',
    period: 'meldingsdatum',
    key: ['melding_id'],
    oneOf: [['bsn', 'kvk_nummer']],
    columns: [
      col('melding_id', 'VARCHAR', 'Report id.'),
      bsnColumn('Subject, when a natural person.', { nullable: true }),
      col('kvk_nummer', 'VARCHAR', 'Subject, when a business.', {
        identifier: 'kvk',
        nullable: true,
      }),
      col('meldingsdatum', 'DATE', 'Date the transaction was declared suspicious.'),
      col('bedrag', 'DOUBLE', 'Amount in euros.'),
    ],
  },
  {
    id: 'uwv_uitkeringen',
    provider: 'uwv',
    title: 'UWV en gemeenten: uitkeringen',
    format: 'csv-semicolon',
    unit: 'benefit period',
    key: ['bsn', 'uitkeringssoort', 'startdatum'],
    columns: [
      bsnColumn('Burgerservicenummer.'),
      col('uitkeringssoort', 'VARCHAR', 'Benefit type.', { values: [...BENEFIT_TYPES] }),
      col('startdatum', 'DATE', 'Start of the benefit.', { dateFormat: 'iso' }),
      col('einddatum', 'DATE', 'End of the benefit.', { nullable: true, dateFormat: 'iso' }),
    ],
  },
] as const;

/** A shipped dataset's file is named after it, with its format's extension. */
export const DATASETS: readonly DatasetContract[] = RAW_DATASETS.map((d) =>
  datasetSchema.parse({ ...d, file: `${d.id}${d.format === 'parquet' ? '.parquet' : '.csv'}` }),
);

export type DatasetId = (typeof RAW_DATASETS)[number]['id'];

const byId = new Map(DATASETS.map((d) => [d.id, d]));

export function datasetContract(id: string): DatasetContract {
  const d = byId.get(id);
  if (!d) throw new Error(`unknown dataset '${id}' (known: ${[...byId.keys()].join(', ')})`);
  return d;
}

/** The name an identifier column carries once pseudonymised (at the broker). */
export function brokerColumnName(column: ColumnContract): string {
  return column.identifier ? `${column.name}_pseudonym` : column.name;
}

/**
 * The DuckDB SQL for the year of a row's period in the broker table of `contract` (e.g.
 * `"peiljaar"` or `year("pleegdatum")`), or null for a register, which has no period.
 */
export function periodExpression(contract: DatasetContract): string | null {
  if (contract.period === undefined) return null;
  const column = contract.columns.find((c) => c.name === contract.period);
  if (!column) throw new Error(`${contract.id}: unknown period column ${contract.period}`);
  const name = `"${brokerColumnName(column).replaceAll('"', '""')}"`;
  return column.type === 'DATE' ? `year(${name})` : name;
}

export function datasetsOfProvider(provider: ProviderId): DatasetContract[] {
  return DATASETS.filter((d) => d.provider === provider);
}
