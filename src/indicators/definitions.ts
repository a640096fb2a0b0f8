/**
 * The indicator catalogue as plain data. `load.ts` validates it at import; the engine compiles it.
 * Each definition states which buurt a unit is counted in (`regionBasis`) and its time reference:
 * residents are the BRP of peiljaar = year, events count by their date within the year.
 */
import type { IndicatorInput, Predicate, Series } from './schema.js';
import { WITWASGEVOELIGE_SBI, ZORG_SBI } from './sbi.js';

const ALL_LEVELS = ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'] as const;
const YEARS = [2019, 2020, 2021, 2022, 2023];
const DRUGS: Predicate = {
  col: 'delictklasse',
  op: 'in',
  values: ['drugs_productie', 'drugs_handel'],
};
const WITWAS_SBI: Predicate = {
  col: 'sbi_code',
  op: 'startsWith',
  values: WITWASGEVOELIGE_SBI.map((s) => s.prefix),
};
const ZORG: Predicate = {
  col: 'sbi_code',
  op: 'startsWith',
  values: ZORG_SBI.map((s) => s.prefix),
};

const residents = (...where: Predicate[]): Series => ({
  dataset: 'brp_personen',
  time: { type: 'year', col: 'peiljaar' },
  region: { type: 'column', col: 'buurtcode', basis: 'residence' },
  where,
  measure: { type: 'count' },
});
const establishments = (...where: Predicate[]): Series => ({
  dataset: 'kvk_vestigingen',
  time: { type: 'active', start: 'startdatum', end: 'einddatum' },
  region: { type: 'column', col: 'buurtcode', basis: 'establishment' },
  where,
  measure: { type: 'count' },
});
const purchases = (...where: Predicate[]): Series => ({
  dataset: 'kadaster_transacties',
  time: { type: 'date', col: 'transactiedatum' },
  region: { type: 'column', col: 'buurtcode', basis: 'dwelling' },
  where,
  measure: { type: 'count' },
});
const dwellings: Series = {
  dataset: 'kadaster_woningen',
  time: { type: 'stock', col: 'bouwjaar' },
  region: { type: 'column', col: 'buurtcode', basis: 'dwelling' },
  where: [],
  measure: { type: 'count' },
};

/** Person with a suspect registration in the year (optionally only these offence classes). */
const suspectInYear = (...where: Predicate[]): Predicate => ({
  exists: {
    dataset: 'politie_verdachten',
    match: [{ col: 'bsn', outer: 'bsn' }],
    where: [{ col: 'pleegdatum', op: 'inYear' }, ...where],
  },
});
/** Person with an irrevocable conviction on or before 31 December of the year. */
const convictedByYearEnd = (bsnCol: string): Predicate => ({
  exists: {
    dataset: 'om_veroordelingen',
    match: [{ col: 'bsn', outer: bsnCol }],
    where: [{ col: 'vonnisdatum', op: 'byYearEnd' }],
  },
});
/** Establishment whose business has a director in office during the year with a conviction. */
const convictedDirector: Predicate = {
  exists: {
    dataset: 'kvk_bestuurders',
    match: [{ col: 'kvk_nummer', outer: 'kvk_nummer' }],
    where: [
      { col: 'startdatum', op: 'byYearEnd' },
      {
        anyOf: [
          { col: 'einddatum', op: 'isNull' },
          { col: 'einddatum', op: 'notBeforeYear' },
        ],
      },
      convictedByYearEnd('bsn'),
    ],
  },
};
const benefitInYear = (types: string[]): Predicate => ({
  exists: {
    dataset: 'uwv_uitkeringen',
    match: [{ col: 'bsn', outer: 'bsn' }],
    where: [
      { col: 'uitkeringssoort', op: 'in', values: types },
      { col: 'startdatum', op: 'byYearEnd' },
      {
        anyOf: [
          { col: 'einddatum', op: 'isNull' },
          { col: 'einddatum', op: 'notBeforeYear' },
        ],
      },
    ],
  },
});

const RES = {
  nl: 'Woonbuurt volgens de BRP op 1 januari van het jaar (peiljaar).',
  en: 'Buurt of residence in the BRP on 1 January of the year (peiljaar).',
};
const EST = { nl: 'Buurt van de vestiging.', en: 'Buurt of the establishment.' };
const DWE = { nl: 'Buurt van de woning.', en: 'Buurt of the dwelling.' };
const EVT = { nl: 'Buurt waar het feit plaatsvond.', en: 'Buurt where the event took place.' };

const base = { levels: [...ALL_LEVELS], years: YEARS };
const t = (nl: string, en: string) => ({ nl, en });

export const DEFINITIONS: IndicatorInput[] = [
  // ── context ────────────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'inwoners',
    title: t('Inwoners', 'Residents'),
    description: t(
      'Aantal ingezetenen volgens de BRP.',
      'Number of residents registered in the BRP.',
    ),
    theme: 'context',
    kind: 'count',
    unit: t('personen', 'persons'),
    numerator: residents(),
    sources: ['brp_personen'],
    breakdowns: ['geslacht', 'leeftijdsgroep'],
    disclosure: 'count',
    regionBasis: RES,
    methodology: t(
      'Alle personen in de BRP-levering met peiljaar gelijk aan het jaar. Leeftijd = jaar − geboortejaar (leeftijd op 31 december).',
      'All persons in the BRP delivery with peiljaar equal to the year. Age = year − year of birth (age on 31 December).',
    ),
  },
  {
    ...base,
    id: 'huishoudens',
    title: t('Huishoudens', 'Households'),
    description: t(
      'Aantal verschillende huishoudnummers in de BRP.',
      'Number of distinct BRP household numbers.',
    ),
    theme: 'context',
    kind: 'count',
    unit: t('huishoudens', 'households'),
    numerator: { ...residents(), measure: { type: 'distinct', col: 'huishoudnummer' } },
    sources: ['brp_personen'],
    disclosure: 'count',
    regionBasis: RES,
    methodology: t(
      'Het aantal verschillende huishoudnummers onder de ingezetenen van het peiljaar, per gebied geteld. Een huishouden met leden in twee buurten telt in beide buurten één keer mee, en in het hogere gebied één keer.',
      'The number of distinct household numbers among the residents of the peiljaar, counted per area. A household with members in two buurten counts once in each buurt and once in the larger area.',
    ),
  },
  {
    ...base,
    id: 'vestigingen',
    title: t('Vestigingen', 'Establishments'),
    description: t(
      'Aantal vestigingen dat in het jaar ingeschreven was.',
      'Number of establishments registered during the year.',
    ),
    theme: 'context',
    kind: 'count',
    unit: t('vestigingen', 'establishments'),
    numerator: establishments(),
    sources: ['kvk_vestigingen'],
    disclosure: 'count',
    regionBasis: EST,
    methodology: t(
      'Vestigingen in het Handelsregister met startdatum uiterlijk 31 december en zonder einddatum of met einddatum op of na 1 januari van het jaar.',
      'Establishments in the trade register that started by 31 December and have no end date or an end date on or after 1 January of the year.',
    ),
  },
  {
    ...base,
    id: 'woningen',
    title: t('Woningvoorraad', 'Dwelling stock'),
    description: t(
      'Aantal woningen gebouwd tot en met het jaar.',
      'Number of dwellings built up to and including the year.',
    ),
    theme: 'context',
    kind: 'count',
    unit: t('woningen', 'dwellings'),
    numerator: dwellings,
    sources: ['kadaster_woningen'],
    disclosure: 'count',
    regionBasis: DWE,
    methodology: t(
      'Woningen uit de BAG-levering met bouwjaar kleiner dan of gelijk aan het jaar. Sloop is niet in de levering opgenomen.',
      'Dwellings in the BAG delivery with a construction year up to the year. Demolition is not part of the delivery.',
    ),
  },
  // ── drugs ──────────────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'drugsverdachten_per_1000',
    title: t('Drugsverdachten per 1.000 inwoners', 'Drug suspects per 1,000 residents'),
    description: t(
      'Inwoners met een registratie als verdachte van een drugsdelict in het jaar, per 1.000 inwoners.',
      'Residents registered as suspect of a drug offence in the year, per 1,000 residents.',
    ),
    theme: 'drugs',
    kind: 'rate_per_1000',
    unit: t('per 1.000 inwoners', 'per 1,000 residents'),
    numerator: residents(suspectInYear(DRUGS)),
    denominator: residents(),
    sources: ['brp_personen', 'politie_verdachten'],
    breakdowns: ['geslacht', 'leeftijdsgroep'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: ingezetenen (BRP, peiljaar = jaar) met ten minste één verdachtenregistratie met delictklasse drugs_productie of drugs_handel en pleegdatum in het jaar. Noemer: alle ingezetenen. Geteld in de woonbuurt, niet in de pleegbuurt.',
      'Numerator: residents (BRP, peiljaar = year) with at least one suspect registration of class drugs_productie or drugs_handel dated in the year. Denominator: all residents. Counted where they live, not where the offence took place.',
    ),
  },
  {
    ...base,
    id: 'jeugdige_drugsverdachten',
    title: t(
      'Jongeren (12–23) verdacht van drugsdelicten',
      'Youth (12–23) suspected of drug offences',
    ),
    description: t(
      'Aantal inwoners van 12 tot en met 23 jaar met een drugsregistratie in het jaar.',
      'Residents aged 12–23 with a drug registration in the year.',
    ),
    theme: 'drugs',
    kind: 'count',
    unit: t('personen', 'persons'),
    numerator: residents({ age: { min: 12, max: 23 } }, suspectInYear(DRUGS)),
    sources: ['brp_personen', 'politie_verdachten'],
    breakdowns: ['geslacht'],
    disclosure: 'count',
    regionBasis: RES,
    methodology: t(
      'Ingezetenen van 12 tot en met 23 jaar (jaar − geboortejaar) met ten minste één verdachtenregistratie drugs_productie of drugs_handel in het jaar.',
      'Residents aged 12 to 23 (year − year of birth) with at least one suspect registration drugs_productie or drugs_handel in the year.',
    ),
  },
  {
    ...base,
    id: 'jeugdige_drugsverdachten_pct',
    title: t(
      'Aandeel jongeren (12–23) verdacht van drugsdelicten',
      'Share of youth (12–23) suspected of drug offences',
    ),
    description: t(
      'Percentage van de inwoners van 12–23 jaar met een drugsregistratie in het jaar.',
      'Percentage of residents aged 12–23 with a drug registration in the year.',
    ),
    theme: 'drugs',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: { ref: 'jeugdige_drugsverdachten' },
    denominator: residents({ age: { min: 12, max: 23 } }),
    sources: ['brp_personen', 'politie_verdachten'],
    breakdowns: ['geslacht'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller als bij jeugdige_drugsverdachten; noemer: alle ingezetenen van 12 tot en met 23 jaar.',
      'Numerator as in jeugdige_drugsverdachten; denominator: all residents aged 12 to 23.',
    ),
  },
  {
    ...base,
    id: 'hennepkwekerijen',
    title: t('Ontmantelde hennepkwekerijen', 'Dismantled cannabis plantations'),
    description: t(
      'Aantal door de politie ontmantelde hennepkwekerijen in het jaar.',
      'Number of cannabis plantations dismantled by the police in the year.',
    ),
    theme: 'drugs',
    kind: 'count',
    unit: t('kwekerijen', 'plantations'),
    numerator: {
      dataset: 'politie_ontmantelingen',
      time: { type: 'date', col: 'ontmantelingsdatum' },
      region: { type: 'column', col: 'buurtcode', basis: 'event' },
      where: [],
      measure: { type: 'count' },
    },
    sources: ['politie_ontmantelingen'],
    disclosure: 'count',
    regionBasis: t('Buurt van de kwekerij.', 'Buurt of the plantation.'),
    methodology: t(
      'Ontmantelingen met ontmantelingsdatum in het jaar, geteld in de buurt van de kwekerij.',
      'Dismantlings dated in the year, counted in the buurt of the plantation.',
    ),
  },
  {
    ...base,
    id: 'hennepkwekerijen_per_10000_woningen',
    title: t(
      'Ontmantelde hennepkwekerijen per 10.000 woningen',
      'Dismantled cannabis plantations per 10,000 dwellings',
    ),
    description: t(
      'Ontmantelde hennepkwekerijen in het jaar per 10.000 woningen.',
      'Cannabis plantations dismantled in the year per 10,000 dwellings.',
    ),
    theme: 'drugs',
    kind: 'rate_per_10000',
    unit: t('per 10.000 woningen', 'per 10,000 dwellings'),
    numerator: { ref: 'hennepkwekerijen' },
    denominator: { ref: 'woningen' },
    sources: ['politie_ontmantelingen', 'kadaster_woningen'],
    disclosure: 'ratio',
    regionBasis: t(
      'Buurt van de kwekerij en van de woning.',
      'Buurt of the plantation and of the dwelling.',
    ),
    methodology: t(
      'Teller: hennepkwekerijen; noemer: woningvoorraad (bouwjaar ≤ jaar). Een kwekerij hoeft niet in een woning te zitten; de woningvoorraad is de gangbare schaalmaat.',
      'Numerator: plantations; denominator: dwelling stock (built by the year). A plantation need not be in a dwelling; the dwelling stock is the usual scale.',
    ),
  },
  {
    ...base,
    id: 'drugsdelicten_pleegbuurt',
    title: t('Drugsdelicten naar pleegbuurt', 'Drug offences by place of offence'),
    description: t(
      'Aantal verdachtenregistraties voor drugsdelicten in het jaar, naar buurt van het feit.',
      'Suspect registrations for drug offences in the year, by buurt of the offence.',
    ),
    theme: 'drugs',
    kind: 'count',
    unit: t('registraties', 'registrations'),
    numerator: {
      dataset: 'politie_verdachten',
      time: { type: 'date', col: 'pleegdatum' },
      region: { type: 'column', col: 'pleeg_buurtcode', basis: 'event' },
      where: [DRUGS],
      measure: { type: 'count' },
    },
    sources: ['politie_verdachten'],
    disclosure: 'count',
    regionBasis: EVT,
    methodology: t(
      'Registraties (niet personen) met delictklasse drugs_productie of drugs_handel en pleegdatum in het jaar; geteld waar het feit plaatsvond. Vergelijk met drugsverdachten_per_1000 (woonplaats).',
      'Registrations (not persons) of class drugs_productie or drugs_handel dated in the year; counted where the offence took place. Compare drugsverdachten_per_1000 (place of residence).',
    ),
  },
  // ── vastgoed ───────────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'woningaankopen',
    title: t('Woningaankopen', 'House purchases'),
    description: t(
      'Aantal eigendomsoverdrachten van woningen in het jaar.',
      'Number of transfers of dwellings in the year.',
    ),
    theme: 'vastgoed',
    kind: 'count',
    unit: t('transacties', 'transactions'),
    numerator: purchases(),
    sources: ['kadaster_transacties'],
    disclosure: 'count',
    regionBasis: DWE,
    methodology: t(
      'Eigendomsoverdrachten van woningen uit de Kadasterlevering met transactiedatum in het jaar, door personen en door rechtspersonen.',
      'Transfers of dwellings in the Kadaster delivery dated in the year, by natural persons and by legal entities.',
    ),
  },
  {
    ...base,
    id: 'onverklaarbare_woningaankopen',
    title: t('Onverklaarbare woningaankopen', 'Unexplained house purchases'),
    description: t(
      'Aandeel woningaankopen door inwoners waarbij de koopsom het maximale budget van het huishouden met meer dan € 100.000 overschrijdt.',
      'Share of house purchases by residents where the price exceeds the household’s maximum budget by more than € 100,000.',
    ),
    theme: 'vastgoed',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: purchases(
      { col: 'koper_bsn', op: 'notNull' },
      {
        exists: {
          dataset: 'brp_personen',
          match: [{ col: 'bsn', outer: 'koper_bsn' }],
          where: [{ col: 'peiljaar', op: 'isYear' }],
        },
      },
      {
        unexplainedPurchase: {
          price: 'koopsom',
          buyer: 'koper_bsn',
          incomeMultiple: 4.5,
          threshold: 100000,
        },
      },
    ),
    denominator: purchases(
      { col: 'koper_bsn', op: 'notNull' },
      {
        exists: {
          dataset: 'brp_personen',
          match: [{ col: 'bsn', outer: 'koper_bsn' }],
          where: [{ col: 'peiljaar', op: 'isYear' }],
        },
      },
    ),
    sources: ['kadaster_transacties', 'brp_personen', 'bd_inkomen'],
    disclosure: 'ratio',
    regionBasis: DWE,
    methodology: t(
      'Noemer: aankopen in het jaar door een natuurlijk persoon die in dat peiljaar in de BRP staat. Maximaal budget = 4,5 × het verzamelinkomen van het huishouden + het vermogen van het huishouden (alle BRP-leden met hetzelfde huishoudnummer, Belastingdienst-jaar = jaar; ontbrekend = 0; in hele centen). Teller: aankopen waarbij koopsom − maximaal budget > € 100.000. Een onverklaard bedrag is een signaal, geen bewijs: schenkingen en erfenissen zijn niet bekend.',
      'Denominator: purchases in the year by a natural person registered in the BRP of that peiljaar. Maximum budget = 4.5 × the household’s taxable income + the household’s wealth (all BRP members with the same household number, tax year = year; missing = 0; in whole cents). Numerator: purchases where price − maximum budget > € 100,000. An unexplained sum is a signal, not proof: gifts and inheritances are unknown.',
    ),
  },
  {
    ...base,
    id: 'aankopen_door_stichtingen',
    title: t('Woningaankopen door stichtingen', 'House purchases by stichtingen'),
    description: t(
      'Aandeel woningaankopen waarbij de koper een stichting is.',
      'Share of house purchases where the buyer is a stichting.',
    ),
    theme: 'vastgoed',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: purchases({
      exists: {
        dataset: 'kvk_vestigingen',
        match: [{ col: 'kvk_nummer', outer: 'koper_kvk_nummer' }],
        where: [{ col: 'rechtsvorm', op: 'eq', value: 'stichting' }],
      },
    }),
    denominator: purchases(),
    sources: ['kadaster_transacties', 'kvk_vestigingen'],
    disclosure: 'ratio',
    regionBasis: DWE,
    methodology: t(
      'Teller: aankopen in het jaar waarvan de koper (KvK-nummer) een vestiging met rechtsvorm stichting heeft. Noemer: alle aankopen in het jaar. Vastgoed in bezit van stichtingen is een aandachtspunt uit Zicht op Ondermijning.',
      'Numerator: purchases in the year whose buyer (KvK number) has an establishment with legal form stichting. Denominator: all purchases in the year.',
    ),
  },
  {
    ...base,
    id: 'kopers_met_veroordeling',
    title: t('Woningkopers met een veroordeling', 'House buyers with a conviction'),
    description: t(
      'Aandeel aankopen door personen met een eerdere onherroepelijke veroordeling.',
      'Share of purchases by persons with an earlier final conviction.',
    ),
    theme: 'vastgoed',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: purchases({
      exists: {
        dataset: 'om_veroordelingen',
        match: [{ col: 'bsn', outer: 'koper_bsn' }],
        where: [{ col: 'vonnisdatum', op: 'lteOuter', outer: 'transactiedatum' }],
      },
    }),
    denominator: purchases({ col: 'koper_bsn', op: 'notNull' }),
    sources: ['kadaster_transacties', 'om_veroordelingen'],
    disclosure: 'ratio',
    regionBasis: DWE,
    methodology: t(
      'Noemer: aankopen in het jaar door natuurlijke personen. Teller: daarvan de aankopen waarbij de koper een veroordeling heeft met vonnisdatum op of vóór de transactiedatum.',
      'Denominator: purchases in the year by natural persons. Numerator: those whose buyer has a conviction dated on or before the transaction date.',
    ),
  },
  // ── verdachte transacties ──────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'fiu_meldingen_per_1000_inwoners',
    title: t('FIU-meldingen per 1.000 inwoners', 'FIU reports per 1,000 residents'),
    description: t(
      'Verdachte transacties van inwoners in het jaar per 1.000 inwoners.',
      'Suspicious transactions of residents in the year per 1,000 residents.',
    ),
    theme: 'verdachte_transacties',
    kind: 'rate_per_1000',
    unit: t('per 1.000 inwoners', 'per 1,000 residents'),
    numerator: {
      dataset: 'fiu_meldingen',
      time: { type: 'date', col: 'meldingsdatum' },
      region: { type: 'residence', bsnCol: 'bsn' },
      where: [],
      measure: { type: 'count' },
    },
    denominator: residents(),
    sources: ['fiu_meldingen', 'brp_personen'],
    breakdowns: ['geslacht'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: meldingen (niet personen) met meldingsdatum in het jaar over een natuurlijk persoon die in dat peiljaar in de BRP staat, geteld in diens woonbuurt. Meldingen over bedrijven en over niet-ingezetenen tellen niet mee. Noemer: ingezetenen.',
      'Numerator: reports (not persons) dated in the year about a natural person registered in the BRP of that peiljaar, counted in the buurt of residence. Reports on businesses and non-residents are left out. Denominator: residents.',
    ),
  },
  {
    ...base,
    id: 'vestigingen_met_fiu_melding_per_1000',
    title: t(
      'Vestigingen met FIU-melding per 1.000 vestigingen',
      'Establishments with an FIU report per 1,000 establishments',
    ),
    description: t(
      'Vestigingen waarvan het bedrijf in het jaar een FIU-melding had, per 1.000 vestigingen.',
      'Establishments whose business had an FIU report in the year, per 1,000 establishments.',
    ),
    theme: 'verdachte_transacties',
    kind: 'rate_per_1000',
    unit: t('per 1.000 vestigingen', 'per 1,000 establishments'),
    numerator: establishments({
      exists: {
        dataset: 'fiu_meldingen',
        match: [{ col: 'kvk_nummer', outer: 'kvk_nummer' }],
        where: [{ col: 'meldingsdatum', op: 'inYear' }],
      },
    }),
    denominator: { ref: 'vestigingen' },
    sources: ['kvk_vestigingen', 'fiu_meldingen'],
    disclosure: 'ratio',
    regionBasis: EST,
    methodology: t(
      'Teller: in het jaar ingeschreven vestigingen waarvan het KvK-nummer een melding met meldingsdatum in het jaar heeft; elke vestiging van het bedrijf telt mee, omdat de melding het bedrijf betreft en niet één vestiging. Noemer: vestigingen.',
      'Numerator: establishments registered in the year whose KvK number has a report dated in the year; every establishment of the business counts, since the report concerns the business, not one establishment. Denominator: establishments.',
    ),
  },
  {
    ...base,
    id: 'fiu_gemeld_bedrag',
    title: t('Gemeld bedrag verdachte transacties', 'Amount in suspicious transactions'),
    description: t(
      'Som van de bedragen van FIU-meldingen over inwoners in het jaar.',
      'Sum of the amounts of FIU reports on residents in the year.',
    ),
    theme: 'verdachte_transacties',
    kind: 'sum',
    unit: t('euro', 'euro'),
    numerator: {
      dataset: 'fiu_meldingen',
      time: { type: 'date', col: 'meldingsdatum' },
      region: { type: 'residence', bsnCol: 'bsn' },
      where: [],
      measure: { type: 'sum', col: 'bedrag', contributor: 'bsn' },
    },
    sources: ['fiu_meldingen', 'brp_personen'],
    disclosure: 'magnitude',
    regionBasis: RES,
    methodology: t(
      'Som in hele centen van de bedragen van meldingen in het jaar over ingezetenen, in hun woonbuurt. Bijdragers voor de dominantieregel zijn personen: het grootste en op één na grootste aandeel zijn sommen per persoon.',
      'Sum in whole cents of the amounts of reports in the year on residents, in their buurt of residence. Contributors for the dominance rule are persons: the largest and second-largest shares are sums per person.',
    ),
  },
  {
    ...base,
    id: 'fiu_gemiddeld_bedrag',
    title: t('Gemiddeld bedrag per FIU-melding', 'Mean amount per FIU report'),
    description: t(
      'Gemiddeld bedrag van FIU-meldingen over inwoners in het jaar.',
      'Mean amount of FIU reports on residents in the year.',
    ),
    theme: 'verdachte_transacties',
    kind: 'mean',
    unit: t('euro', 'euro'),
    numerator: { ref: 'fiu_gemeld_bedrag' },
    sources: ['fiu_meldingen', 'brp_personen'],
    disclosure: 'magnitude',
    regionBasis: RES,
    methodology: t(
      'Gemeld bedrag gedeeld door het aantal meldingen (zelfde afbakening als fiu_gemeld_bedrag).',
      'Amount reported divided by the number of reports (same scope as fiu_gemeld_bedrag).',
    ),
  },
  // ── branches ───────────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'witwasgevoelige_vestigingen_pct',
    title: t(
      'Vestigingen in witwasgevoelige branches',
      'Establishments in money-laundering-prone branches',
    ),
    description: t(
      'Aandeel vestigingen met een SBI-code uit de lijst witwasgevoelige branches.',
      'Share of establishments with an SBI code on the list of money-laundering-prone branches.',
    ),
    theme: 'branches',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: establishments(WITWAS_SBI),
    denominator: { ref: 'vestigingen' },
    sources: ['kvk_vestigingen'],
    disclosure: 'ratio',
    regionBasis: EST,
    methodology: t(
      `SBI-codes die beginnen met: ${WITWASGEVOELIGE_SBI.map((s) => `${s.prefix} (${s.label})`).join('; ')}. Een hoog aandeel is geen bewijs van witwassen: deze branches zijn kwetsbaar, niet verdacht.`,
      `SBI codes starting with: ${WITWASGEVOELIGE_SBI.map((s) => s.prefix).join(', ')} (car trade and washes, phone shops, cafés and shisha lounges, beauty and tanning, real estate, money transfer, holiday parks). A high share is no proof of laundering: these branches are vulnerable, not suspect.`,
    ),
  },
  {
    ...base,
    id: 'verloop_vestigingen',
    title: t('Verloop van vestigingen', 'Churn of establishments'),
    description: t(
      'Aandeel vestigingen dat in het jaar begon of stopte.',
      'Share of establishments that started or ended in the year.',
    ),
    theme: 'branches',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: establishments({
      anyOf: [
        { col: 'startdatum', op: 'inYear' },
        { col: 'einddatum', op: 'inYear' },
      ],
    }),
    denominator: { ref: 'vestigingen' },
    sources: ['kvk_vestigingen'],
    disclosure: 'ratio',
    regionBasis: EST,
    methodology: t(
      'Teller: in het jaar ingeschreven vestigingen met startdatum of einddatum in het jaar. Noemer: alle in het jaar ingeschreven vestigingen. Snel verloop kan wijzen op katvangers of spookbedrijven.',
      'Numerator: establishments registered in the year that started or ended in the year. Denominator: all establishments registered in the year. High churn may point at front companies.',
    ),
  },
  {
    ...base,
    id: 'vestigingen_met_veroordeelde_bestuurder',
    title: t(
      'Vestigingen met een veroordeelde bestuurder',
      'Establishments with a convicted director',
    ),
    description: t(
      'Aandeel vestigingen waarvan een bestuurder een onherroepelijke veroordeling heeft. "Bestuurder" is hier iedere functie in het KvK-register: bestuurder, eigenaar of vennoot.',
      'Share of establishments with a director who has a final conviction. "Director" here is every role in the KvK register: director, owner or partner.',
    ),
    theme: 'branches',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: establishments(convictedDirector),
    denominator: { ref: 'vestigingen' },
    sources: ['kvk_vestigingen', 'kvk_bestuurders', 'om_veroordelingen'],
    disclosure: 'ratio',
    regionBasis: EST,
    methodology: t(
      'Teller: vestigingen waarvan het bedrijf een bestuurder, eigenaar of vennoot heeft die in het jaar in functie was en een veroordeling heeft met vonnisdatum uiterlijk 31 december van het jaar. Noemer: vestigingen.',
      'Numerator: establishments whose business has a director, owner or partner in office during the year with a conviction dated by 31 December. Denominator: establishments.',
    ),
  },
  {
    ...base,
    id: 'witwasgevoelig_met_veroordeelde_bestuurder',
    title: t(
      'Witwasgevoelige vestigingen met een veroordeelde bestuurder',
      'Money-laundering-prone establishments with a convicted director',
    ),
    description: t(
      'Aantal vestigingen in witwasgevoelige branches met een veroordeelde bestuurder.',
      'Establishments in money-laundering-prone branches with a convicted director.',
    ),
    theme: 'branches',
    kind: 'count',
    unit: t('vestigingen', 'establishments'),
    numerator: establishments(WITWAS_SBI, convictedDirector),
    sources: ['kvk_vestigingen', 'kvk_bestuurders', 'om_veroordelingen'],
    disclosure: 'count',
    regionBasis: EST,
    methodology: t(
      'Vestigingen in een witwasgevoelige branche (de SBI-lijst van witwasgevoelige_vestigingen_pct) waarvan het bedrijf een bestuurder, eigenaar of vennoot heeft die in het jaar in functie was en een veroordeling heeft met vonnisdatum uiterlijk 31 december van het jaar. "Bestuurder" is iedere functie in het KvK-register.',
      'Establishments in a money-laundering-prone branch (the SBI list of witwasgevoelige_vestigingen_pct) whose business has a director, owner or partner in office during the year with a conviction dated by 31 December. "Director" is every role in the KvK register.',
    ),
  },
  // ── zorg ───────────────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'zorgaanbieders',
    title: t('Zorgaanbieders', 'Care providers'),
    description: t(
      'Aantal vestigingen van zorgaanbieders (SBI 86, 87, 88).',
      'Establishments of care providers (SBI 86, 87, 88).',
    ),
    theme: 'zorg',
    kind: 'count',
    unit: t('vestigingen', 'establishments'),
    numerator: establishments(ZORG),
    sources: ['kvk_vestigingen'],
    disclosure: 'count',
    regionBasis: EST,
    methodology: t(
      `In het jaar ingeschreven vestigingen met SBI-code ${ZORG_SBI.map((s) => `${s.prefix} (${s.label})`).join(', ')}.`,
      `Establishments registered in the year with SBI code ${ZORG_SBI.map((s) => s.prefix).join(', ')} (health care, residential care, social work).`,
    ),
  },
  {
    ...base,
    id: 'zorgaanbieders_met_veroordeelde_bestuurder',
    title: t(
      'Zorgaanbieders met een veroordeelde bestuurder',
      'Care providers with a convicted director',
    ),
    description: t(
      'Aandeel zorgvestigingen waarvan een bestuurder een onherroepelijke veroordeling heeft.',
      'Share of care establishments with a director who has a final conviction.',
    ),
    theme: 'zorg',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: establishments(ZORG, convictedDirector),
    denominator: { ref: 'zorgaanbieders' },
    sources: ['kvk_vestigingen', 'kvk_bestuurders', 'om_veroordelingen'],
    disclosure: 'ratio',
    regionBasis: EST,
    methodology: t(
      'Teller: zorgvestigingen met een in het jaar zittende bestuurder met een veroordeling (vonnisdatum uiterlijk 31 december). Noemer: zorgvestigingen.',
      'Numerator: care establishments with a director in office during the year who has a conviction (dated by 31 December). Denominator: care establishments.',
    ),
  },
  // ── jonge aanwas ───────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'first_offenders_jeugd',
    title: t('Jonge aanwas: first offenders (12–23)', 'Youth inflow: first-time suspects (12–23)'),
    description: t(
      'Jongeren van 12–23 jaar met in het jaar hun eerste verdachtenregistratie.',
      'Residents aged 12–23 registered as a suspect for the first time in the year.',
    ),
    theme: 'jonge_aanwas',
    kind: 'count',
    unit: t('personen', 'persons'),
    numerator: residents({ age: { min: 12, max: 23 } }, suspectInYear(), {
      notExists: {
        dataset: 'politie_verdachten',
        match: [{ col: 'bsn', outer: 'bsn' }],
        where: [{ col: 'pleegdatum', op: 'beforeYear' }],
      },
    }),
    sources: ['brp_personen', 'politie_verdachten'],
    breakdowns: ['geslacht'],
    disclosure: 'count',
    regionBasis: RES,
    methodology: t(
      'Ingezetenen van 12 tot en met 23 jaar met een registratie (elke delictklasse) in het jaar en geen registratie met een eerdere pleegdatum in de geleverde historie. Het eerste geleverde jaar overschat daardoor de aanwas.',
      'Residents aged 12 to 23 with a registration (any class) in the year and none dated earlier in the delivered history. The first delivered year therefore overstates the inflow.',
    ),
  },
  {
    ...base,
    id: 'first_offenders_drugs_per_1000_jongeren',
    title: t('Jonge aanwas drugs per 1.000 jongeren', 'Youth inflow in drug crime per 1,000 youth'),
    description: t(
      'Jongeren met hun eerste registratie in het jaar voor een drugsdelict, per 1.000 jongeren van 12–23.',
      'Youth with a first registration in the year for a drug offence, per 1,000 residents aged 12–23.',
    ),
    theme: 'jonge_aanwas',
    kind: 'rate_per_1000',
    unit: t('per 1.000 jongeren', 'per 1,000 youth'),
    numerator: residents({ age: { min: 12, max: 23 } }, suspectInYear(DRUGS), {
      notExists: {
        dataset: 'politie_verdachten',
        match: [{ col: 'bsn', outer: 'bsn' }],
        where: [{ col: 'pleegdatum', op: 'beforeYear' }],
      },
    }),
    denominator: residents({ age: { min: 12, max: 23 } }),
    sources: ['brp_personen', 'politie_verdachten'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: jongeren (12–23) met een drugsregistratie in het jaar en geen enkele eerdere registratie. Noemer: ingezetenen van 12–23 jaar.',
      'Numerator: youth (12–23) with a drug registration in the year and no earlier registration at all. Denominator: residents aged 12–23.',
    ),
  },
  // ── kwetsbaarheid ──────────────────────────────────────────────────────────────────────────
  {
    ...base,
    id: 'problematische_schulden',
    title: t('Problematische schulden', 'Problematic debt'),
    description: t(
      'Aandeel volwassen inwoners met een belastingschuld onder dwanginvordering.',
      'Share of adult residents with a tax debt under enforced collection.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: residents(
      { age: { min: 18, max: 200 } },
      {
        exists: {
          dataset: 'bd_schulden',
          match: [{ col: 'bsn', outer: 'bsn' }],
          where: [
            { col: 'jaar', op: 'isYear' },
            { col: 'dwanginvordering', op: 'eq', value: true },
            { col: 'openstaand_bedrag', op: 'gt', value: 0 },
          ],
        },
      },
    ),
    denominator: residents({ age: { min: 18, max: 200 } }),
    sources: ['brp_personen', 'bd_schulden'],
    breakdowns: ['geslacht'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: ingezetenen van 18 jaar en ouder met in het jaar een openstaande belastingschuld (> € 0) waarvoor dwanginvordering is gestart. Noemer: ingezetenen van 18 jaar en ouder. Een benadering: schulden bij andere schuldeisers ontbreken.',
      'Numerator: residents aged 18 and over with an outstanding tax debt (> € 0) under enforced collection in the year. Denominator: residents aged 18 and over. A proxy: debts to other creditors are missing.',
    ),
  },
  {
    ...base,
    id: 'gemiddelde_belastingschuld',
    title: t('Gemiddelde openstaande belastingschuld', 'Mean outstanding tax debt'),
    description: t(
      'Gemiddeld openstaand bedrag per inwoner met een belastingschuld.',
      'Mean outstanding amount per resident with a tax debt.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'mean',
    unit: t('euro', 'euro'),
    numerator: {
      dataset: 'bd_schulden',
      time: { type: 'year', col: 'jaar' },
      region: { type: 'residence', bsnCol: 'bsn' },
      where: [{ col: 'openstaand_bedrag', op: 'gt', value: 0 }],
      measure: { type: 'sum', col: 'openstaand_bedrag', contributor: 'bsn' },
    },
    sources: ['bd_schulden', 'brp_personen'],
    disclosure: 'magnitude',
    regionBasis: RES,
    methodology: t(
      'Som (in hele centen) van de openstaande bedragen > € 0 van ingezetenen, gedeeld door hun aantal.',
      'Sum (in whole cents) of the outstanding amounts > € 0 of residents, divided by their number.',
    ),
  },
  {
    ...base,
    id: 'bijstandsafhankelijkheid',
    title: t('Bijstandsafhankelijkheid', 'Social assistance dependency'),
    description: t(
      'Aandeel inwoners van 18–66 jaar met een bijstandsuitkering in het jaar.',
      'Share of residents aged 18–66 receiving social assistance during the year.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: residents({ age: { min: 18, max: 66 } }, benefitInYear(['bijstand'])),
    denominator: residents({ age: { min: 18, max: 66 } }),
    sources: ['brp_personen', 'uwv_uitkeringen'],
    breakdowns: ['geslacht'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: ingezetenen van 18–66 jaar met een bijstandsuitkering die in het jaar liep (start uiterlijk 31 december, geen einde of einde op of na 1 januari). Noemer: ingezetenen van 18–66 jaar.',
      'Numerator: residents aged 18–66 with social assistance running during the year (start by 31 December, no end or end on or after 1 January). Denominator: residents aged 18–66.',
    ),
  },
  {
    ...base,
    id: 'uitkeringsafhankelijkheid',
    title: t('Uitkeringsafhankelijkheid', 'Benefit dependency'),
    description: t(
      'Aandeel inwoners van 18–66 jaar met een WW-, bijstands-, WIA- of Wajong-uitkering.',
      'Share of residents aged 18–66 with unemployment, assistance, disability or Wajong benefit.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: residents(
      { age: { min: 18, max: 66 } },
      benefitInYear(['ww', 'bijstand', 'wia', 'wajong']),
    ),
    denominator: residents({ age: { min: 18, max: 66 } }),
    sources: ['brp_personen', 'uwv_uitkeringen'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Als bijstandsafhankelijkheid, voor de uitkeringssoorten ww, bijstand, wia en wajong (aow telt niet mee).',
      'As bijstandsafhankelijkheid, for the benefit types ww, bijstand, wia and wajong (aow is left out).',
    ),
  },
  {
    ...base,
    id: 'jeugdwerkloosheid',
    title: t('Jeugdwerkloosheid (WW)', 'Youth unemployment (WW)'),
    description: t(
      'Aandeel jongeren van 18–26 jaar met een WW-uitkering in het jaar.',
      'Share of residents aged 18–26 receiving unemployment benefit during the year.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'percentage',
    unit: t('%', '%'),
    numerator: residents({ age: { min: 18, max: 26 } }, benefitInYear(['ww'])),
    denominator: residents({ age: { min: 18, max: 26 } }),
    sources: ['brp_personen', 'uwv_uitkeringen'],
    disclosure: 'ratio',
    regionBasis: RES,
    methodology: t(
      'Teller: ingezetenen van 18–26 jaar met een WW-uitkering die in het jaar liep. Noemer: ingezetenen van 18–26 jaar. Een benadering van de werkloosheid: jongeren zonder WW-recht ontbreken.',
      'Numerator: residents aged 18–26 with unemployment benefit running during the year. Denominator: residents aged 18–26. A proxy: young people without a WW entitlement are missing.',
    ),
  },
  {
    ...base,
    id: 'mediaan_verzamelinkomen',
    title: t('Mediaan verzamelinkomen', 'Median taxable income'),
    description: t(
      'Mediaan van het verzamelinkomen van inwoners met een aangifte.',
      'Median taxable income of residents with a tax record.',
    ),
    theme: 'kwetsbaarheid',
    kind: 'median',
    unit: t('euro', 'euro'),
    numerator: {
      dataset: 'bd_inkomen',
      time: { type: 'year', col: 'jaar' },
      region: { type: 'residence', bsnCol: 'bsn' },
      where: [],
      measure: { type: 'median', col: 'verzamelinkomen' },
    },
    sources: ['bd_inkomen', 'brp_personen'],
    breakdowns: ['geslacht'],
    disclosure: 'median',
    regionBasis: RES,
    methodology: t(
      'Mediaan (in hele centen; bij een even aantal het gemiddelde van de twee middelste waarden) van het verzamelinkomen van het jaar van ingezetenen van dat peiljaar.',
      'Median (in whole cents; for an even number the mean of the two middle values) of the taxable income of the year of residents of that peiljaar.',
    ),
  },
];
