/**
 * The ground truth of every indicator, written out by hand in plain TypeScript over the cleaned raw
 * rows (real BSNs and KvK-nummers). It shares nothing with the engine's compiler: each indicator is
 * a loop over the rows as its methodology text says. The engine must agree with it exactly.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { NATIONAL_CODE } from '../../../src/contracts/index.js';
import { AGE_GROUPS, BREAKDOWN_LEVELS, type RegionLevel } from '../../../src/indicators/schema.js';
import { CATALOGUE } from '../../../src/indicators/catalogue.js';
import { WITWASGEVOELIGE_SBI, ZORG_SBI } from '../../../src/indicators/sbi.js';

export interface RegionHierarchyRow {
  buurt_code: string;
  wijk_code: string;
  gemeente_code: string;
  veiligheidsregio_code: string;
}

export interface TruthCell {
  indicatorId: string;
  year: number;
  regionLevel: RegionLevel;
  regionCode: string;
  breakdown: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  contributors: number;
  largest: number | null;
  secondLargest: number | null;
}

type Row = Record<string, string | number | boolean | null>;

async function rows(conn: DuckDBConnection, table: string, dates: string[]): Promise<Row[]> {
  const cols = dates.map((d) => `CAST("${d}" AS VARCHAR) AS "${d}"`).join(', ');
  const reader = await conn.runAndReadAll(
    `SELECT *${dates.length > 0 ? ` REPLACE (${cols})` : ''} FROM "${table}"`,
  );
  return reader.getRowObjectsJS().map((r) => {
    const o: Row = {};
    for (const [k, v] of Object.entries(r))
      o[k] = typeof v === 'bigint' ? Number(v) : (v as Row[string]);
    return o;
  });
}

const str = (v: unknown): string => String(v);
const maybe = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const yearOf = (date: string): number => Number(date.slice(0, 4));
/** Whole cents, rounding half away from zero (as DuckDB's round). */
const cents = (x: number): number => Math.sign(x) * Math.round(Math.abs(x * 100));

function ageGroup(age: number): string | null {
  for (const [label, min, max] of AGE_GROUPS) if (age >= min && age <= max) return label;
  return null;
}

interface Contribution {
  distinct?: string;
  amount?: number;
  contributor?: string;
}

/** Accumulates units into every level containing their buurt, for the total and each breakdown. */
class Acc {
  readonly n = new Map<string, number>();
  readonly distinct = new Map<string, Set<string>>();
  readonly sums = new Map<string, Map<string, number>>();
  readonly values = new Map<string, number[]>();
  constructor(private readonly codesOf: Map<string, string[]>) {}

  add(year: number, buurt: string, breakdowns: string[], x: Contribution = {}): void {
    const codes = this.codesOf.get(buurt);
    if (!codes) throw new Error(`ground truth: buurt ${buurt} is not in the region set`);
    for (const code of codes) {
      for (const bd of ['', ...breakdowns]) {
        const k = `${year}|${code}|${bd}`;
        this.n.set(k, (this.n.get(k) ?? 0) + 1);
        if (x.distinct !== undefined) {
          const s = this.distinct.get(k) ?? new Set<string>();
          s.add(x.distinct);
          this.distinct.set(k, s);
        }
        if (x.amount !== undefined && x.contributor !== undefined) {
          const m = this.sums.get(k) ?? new Map<string, number>();
          m.set(x.contributor, (m.get(x.contributor) ?? 0) + x.amount);
          this.sums.set(k, m);
        } else if (x.amount !== undefined) {
          const l = this.values.get(k) ?? [];
          l.push(x.amount);
          this.values.set(k, l);
        }
      }
    }
  }
}

function personBreakdowns(p: Row, year: number): string[] {
  const out = [`geslacht=${str(p.geslacht)}`];
  const g = ageGroup(year - yearOf(str(p.geboortedatum)));
  if (g) out.push(`leeftijd=${g}`);
  return out;
}

/**
 * `formerBuurten`: buurt codes of an earlier division (before a gemeentelijke herindeling) →
 * the buurt of `hierarchy` that holds that area now. Their units count there: every year on the
 * one division of the hierarchy.
 */
export async function computeGroundTruth(
  conn: DuckDBConnection,
  hierarchy: readonly RegionHierarchyRow[],
  years: readonly number[],
  formerBuurten: ReadonlyMap<string, string> = new Map(),
): Promise<TruthCell[]> {
  const codesOf = new Map<string, string[]>();
  for (const h of hierarchy)
    codesOf.set(h.buurt_code, [
      NATIONAL_CODE,
      h.veiligheidsregio_code,
      h.gemeente_code,
      h.wijk_code,
      h.buurt_code,
    ]);
  for (const [former, current] of formerBuurten) {
    const codes = codesOf.get(current);
    if (!codes) throw new Error(`ground truth: former buurt ${former} maps to unknown ${current}`);
    codesOf.set(former, codes);
  }
  const acc = () => new Acc(codesOf);

  const brp = await rows(conn, 'raw_brp_personen', ['geboortedatum']);
  const inkomen = await rows(conn, 'raw_bd_inkomen', []);
  const schulden = await rows(conn, 'raw_bd_schulden', []);
  const verdachten = await rows(conn, 'raw_politie_verdachten', ['pleegdatum']);
  const ontmantelingen = await rows(conn, 'raw_politie_ontmantelingen', ['ontmantelingsdatum']);
  const veroordelingen = await rows(conn, 'raw_om_veroordelingen', ['vonnisdatum']);
  const vestigingen = await rows(conn, 'raw_kvk_vestigingen', ['startdatum', 'einddatum']);
  const bestuurders = await rows(conn, 'raw_kvk_bestuurders', ['startdatum', 'einddatum']);
  const transacties = await rows(conn, 'raw_kadaster_transacties', ['transactiedatum']);
  const woningen = await rows(conn, 'raw_kadaster_woningen', []);
  const fiu = await rows(conn, 'raw_fiu_meldingen', ['meldingsdatum']);
  const uitkeringen = await rows(conn, 'raw_uwv_uitkeringen', ['startdatum', 'einddatum']);

  // Indexes.
  const resident = new Map<string, Row>(); // `${year}|${bsn}`
  const household = new Map<string, string[]>(); // `${year}|${huishoudnummer}` → bsns
  for (const p of brp) {
    resident.set(`${str(p.peiljaar)}|${str(p.bsn)}`, p);
    const hk = `${str(p.peiljaar)}|${str(p.huishoudnummer)}`;
    const members = household.get(hk);
    if (members) members.push(str(p.bsn));
    else household.set(hk, [str(p.bsn)]);
  }
  const income = new Map<string, Row>(inkomen.map((r) => [`${str(r.jaar)}|${str(r.bsn)}`, r]));
  const group = (list: Row[], key: (r: Row) => string | null): Map<string, Row[]> => {
    const m = new Map<string, Row[]>();
    for (const r of list) {
      const k = key(r);
      if (k === null) continue;
      const l = m.get(k);
      if (l) l.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const suspectsOf = group(verdachten, (r) => str(r.bsn));
  const convictionsOf = group(veroordelingen, (r) => str(r.bsn));
  const directorsOf = group(bestuurders, (r) => str(r.kvk_nummer));
  const benefitsOf = group(uitkeringen, (r) => str(r.bsn));
  const fiuOfKvk = group(fiu, (r) => maybe(r.kvk_nummer));
  const debtOf = new Map<string, Row>(schulden.map((r) => [`${str(r.jaar)}|${str(r.bsn)}`, r]));
  const stichtingen = new Set(
    vestigingen.filter((v) => v.rechtsvorm === 'stichting').map((v) => str(v.kvk_nummer)),
  );

  const DRUGS = new Set(['drugs_productie', 'drugs_handel']);
  const jan1 = (y: number) => `${y}-01-01`;
  const dec31 = (y: number) => `${y}-12-31`;
  const activeIn = (start: unknown, end: unknown, y: number) =>
    str(start) <= dec31(y) && (end === null || str(end) >= jan1(y));
  const suspectIn = (bsn: string, y: number, drugsOnly: boolean) =>
    (suspectsOf.get(bsn) ?? []).some(
      (r) => yearOf(str(r.pleegdatum)) === y && (!drugsOnly || DRUGS.has(str(r.delictklasse))),
    );
  const suspectBefore = (bsn: string, y: number) =>
    (suspectsOf.get(bsn) ?? []).some((r) => str(r.pleegdatum) < jan1(y));
  const convictedBy = (bsn: string | null, date: string) =>
    bsn !== null && (convictionsOf.get(bsn) ?? []).some((r) => str(r.vonnisdatum) <= date);
  const convictedDirector = (kvk: string, y: number) =>
    (directorsOf.get(kvk) ?? []).some(
      (d) => activeIn(d.startdatum, d.einddatum, y) && convictedBy(str(d.bsn), dec31(y)),
    );
  const benefitIn = (bsn: string, y: number, types: string[]) =>
    (benefitsOf.get(bsn) ?? []).some(
      (b) => types.includes(str(b.uitkeringssoort)) && activeIn(b.startdatum, b.einddatum, y),
    );
  const sbiIn = (sbi: unknown, list: readonly { prefix: string }[]) =>
    list.some((s) => str(sbi).startsWith(s.prefix));

  const S: Record<string, Acc> = {};
  const series = (name: string) => (S[name] ??= acc());

  for (const y of years) {
    // Residents and their person-based indicators.
    for (const p of brp) {
      if (p.peiljaar !== y) continue;
      const bsn = str(p.bsn);
      const buurt = str(p.buurtcode);
      const bds = personBreakdowns(p, y);
      const age = y - yearOf(str(p.geboortedatum));
      const youth = age >= 12 && age <= 23;
      const adult = age >= 18;
      const working = age >= 18 && age <= 66;
      series('residents').add(y, buurt, bds);
      series('households').add(y, buurt, [], { distinct: str(p.huishoudnummer) });
      if (suspectIn(bsn, y, true)) series('drug_suspects').add(y, buurt, bds);
      if (youth) {
        series('youth').add(y, buurt, bds);
        if (suspectIn(bsn, y, true)) series('youth_drug_suspects').add(y, buurt, bds);
        if (!suspectBefore(bsn, y)) {
          if (suspectIn(bsn, y, false)) series('first_offenders').add(y, buurt, bds);
          if (suspectIn(bsn, y, true)) series('first_drug_offenders').add(y, buurt, bds);
        }
      }
      if (adult) {
        series('adults').add(y, buurt, bds);
        const debt = debtOf.get(`${y}|${bsn}`);
        if (debt && debt.dwanginvordering === true && Number(debt.openstaand_bedrag) > 0)
          series('problem_debt').add(y, buurt, bds);
      }
      if (working) {
        series('working_age').add(y, buurt, bds);
        if (benefitIn(bsn, y, ['bijstand'])) series('bijstand').add(y, buurt, bds);
        if (benefitIn(bsn, y, ['ww', 'bijstand', 'wia', 'wajong']))
          series('benefits').add(y, buurt, bds);
      }
      if (age >= 18 && age <= 26) {
        series('young_adults').add(y, buurt, bds);
        if (benefitIn(bsn, y, ['ww'])) series('youth_ww').add(y, buurt, bds);
      }
    }
    for (const v of vestigingen) {
      if (!activeIn(v.startdatum, v.einddatum, y)) continue;
      const buurt = str(v.buurtcode);
      const kvk = str(v.kvk_nummer);
      series('establishments').add(y, buurt, []);
      const director = convictedDirector(kvk, y);
      if ((fiuOfKvk.get(kvk) ?? []).some((f) => yearOf(str(f.meldingsdatum)) === y))
        series('est_fiu').add(y, buurt, []);
      if (sbiIn(v.sbi_code, WITWASGEVOELIGE_SBI)) {
        series('witwas').add(y, buurt, []);
        if (director) series('witwas_director').add(y, buurt, []);
      }
      if (
        yearOf(str(v.startdatum)) === y ||
        (v.einddatum !== null && yearOf(str(v.einddatum)) === y)
      )
        series('churn').add(y, buurt, []);
      if (director) series('est_director').add(y, buurt, []);
      if (sbiIn(v.sbi_code, ZORG_SBI)) {
        series('zorg').add(y, buurt, []);
        if (director) series('zorg_director').add(y, buurt, []);
      }
    }
    for (const w of woningen)
      if (Number(w.bouwjaar) <= y) series('dwellings').add(y, str(w.buurtcode), []);
    for (const o of ontmantelingen)
      if (yearOf(str(o.ontmantelingsdatum)) === y)
        series('plantations').add(y, str(o.buurtcode), []);
    for (const r of verdachten) {
      if (yearOf(str(r.pleegdatum)) === y && DRUGS.has(str(r.delictklasse)))
        series('drug_offences').add(y, str(r.pleeg_buurtcode), []);
    }
    for (const t of transacties) {
      const date = str(t.transactiedatum);
      if (yearOf(date) !== y) continue;
      const buurt = str(t.buurtcode);
      const buyer = maybe(t.koper_bsn);
      series('purchases').add(y, buurt, []);
      if (t.koper_kvk_nummer !== null && stichtingen.has(str(t.koper_kvk_nummer)))
        series('purchases_stichting').add(y, buurt, []);
      if (buyer !== null) {
        series('purchases_person').add(y, buurt, []);
        if (convictedBy(buyer, date)) series('purchases_convicted').add(y, buurt, []);
        const self = resident.get(`${y}|${buyer}`);
        if (self) {
          series('purchases_resident').add(y, buurt, []);
          let budget = 0;
          for (const member of household.get(`${y}|${str(self.huishoudnummer)}`) ?? []) {
            const inc = income.get(`${y}|${member}`);
            if (inc)
              budget += cents(Number(inc.verzamelinkomen)) * 4.5 + cents(Number(inc.vermogen));
          }
          if (cents(Number(t.koopsom)) - budget > 100000 * 100)
            series('purchases_unexplained').add(y, buurt, []);
        }
      }
    }
    for (const f of fiu) {
      if (yearOf(str(f.meldingsdatum)) !== y || f.bsn === null) continue;
      const p = resident.get(`${y}|${str(f.bsn)}`);
      if (!p) continue;
      const bds = personBreakdowns(p, y);
      series('fiu_reports').add(y, str(p.buurtcode), bds);
      series('fiu_amount').add(y, str(p.buurtcode), bds, {
        amount: cents(Number(f.bedrag)),
        contributor: str(f.bsn),
      });
    }
    for (const d of schulden) {
      if (d.jaar !== y || !(Number(d.openstaand_bedrag) > 0)) continue;
      const p = resident.get(`${y}|${str(d.bsn)}`);
      if (p)
        series('debt_amount').add(y, str(p.buurtcode), personBreakdowns(p, y), {
          amount: cents(Number(d.openstaand_bedrag)),
          contributor: str(d.bsn),
        });
    }
    for (const i of inkomen) {
      if (i.jaar !== y) continue;
      const p = resident.get(`${y}|${str(i.bsn)}`);
      if (p)
        series('income').add(y, str(p.buurtcode), personBreakdowns(p, y), {
          amount: cents(Number(i.verzamelinkomen)),
        });
    }
  }

  const PARTS: Record<string, [string, string | null]> = {
    inwoners: ['residents', null],
    huishoudens: ['households', null],
    vestigingen: ['establishments', null],
    woningen: ['dwellings', null],
    drugsverdachten_per_1000: ['drug_suspects', 'residents'],
    jeugdige_drugsverdachten: ['youth_drug_suspects', null],
    jeugdige_drugsverdachten_pct: ['youth_drug_suspects', 'youth'],
    hennepkwekerijen: ['plantations', null],
    hennepkwekerijen_per_10000_woningen: ['plantations', 'dwellings'],
    drugsdelicten_pleegbuurt: ['drug_offences', null],
    woningaankopen: ['purchases', null],
    onverklaarbare_woningaankopen: ['purchases_unexplained', 'purchases_resident'],
    aankopen_door_stichtingen: ['purchases_stichting', 'purchases'],
    kopers_met_veroordeling: ['purchases_convicted', 'purchases_person'],
    fiu_meldingen_per_1000_inwoners: ['fiu_reports', 'residents'],
    vestigingen_met_fiu_melding_per_1000: ['est_fiu', 'establishments'],
    fiu_gemeld_bedrag: ['fiu_amount', null],
    fiu_gemiddeld_bedrag: ['fiu_amount', null],
    witwasgevoelige_vestigingen_pct: ['witwas', 'establishments'],
    verloop_vestigingen: ['churn', 'establishments'],
    vestigingen_met_veroordeelde_bestuurder: ['est_director', 'establishments'],
    witwasgevoelig_met_veroordeelde_bestuurder: ['witwas_director', null],
    zorgaanbieders: ['zorg', null],
    zorgaanbieders_met_veroordeelde_bestuurder: ['zorg_director', 'zorg'],
    first_offenders_jeugd: ['first_offenders', null],
    first_offenders_drugs_per_1000_jongeren: ['first_drug_offenders', 'youth'],
    problematische_schulden: ['problem_debt', 'adults'],
    gemiddelde_belastingschuld: ['debt_amount', null],
    bijstandsafhankelijkheid: ['bijstand', 'working_age'],
    uitkeringsafhankelijkheid: ['benefits', 'working_age'],
    jeugdwerkloosheid: ['youth_ww', 'young_adults'],
    mediaan_verzamelinkomen: ['income', null],
  };

  // Regions, parents first.
  const regions: { level: RegionLevel; code: string }[] = [
    { level: 'nederland', code: NATIONAL_CODE },
  ];
  const levelCodes: [RegionLevel, keyof RegionHierarchyRow][] = [
    ['veiligheidsregio', 'veiligheidsregio_code'],
    ['gemeente', 'gemeente_code'],
    ['wijk', 'wijk_code'],
    ['buurt', 'buurt_code'],
  ];
  for (const [level, field] of levelCodes) {
    for (const code of [...new Set(hierarchy.map((h) => h[field]))].sort())
      regions.push({ level, code });
  }

  const cells: TruthCell[] = [];
  for (const def of CATALOGUE) {
    const parts = PARTS[def.id];
    if (!parts) throw new Error(`ground truth: no implementation for indicator ${def.id}`);
    const num = S[parts[0]] ?? acc();
    const den = parts[1] ? (S[parts[1]] ?? acc()) : null;
    const bds = [''];
    for (const b of def.breakdowns) {
      if (b === 'geslacht') bds.push('geslacht=M', 'geslacht=V');
      else for (const [label] of AGE_GROUPS) bds.push(`leeftijd=${label}`);
    }
    for (const year of years) {
      if (!def.years.includes(year)) continue;
      for (const r of regions) {
        if (!def.levels.includes(r.level)) continue;
        for (const bd of BREAKDOWN_LEVELS.includes(r.level) ? bds : ['']) {
          const k = `${year}|${r.code}|${bd}`;
          const n = num.n.get(k) ?? 0;
          const base = {
            indicatorId: def.id,
            year,
            regionLevel: r.level,
            regionCode: r.code,
            breakdown: bd,
          };
          if (def.kind === 'count') {
            const count = def.id === 'huishoudens' ? (num.distinct.get(k)?.size ?? 0) : n;
            cells.push({
              ...base,
              value: count,
              numerator: count,
              denominator: null,
              contributors: count,
              largest: null,
              secondLargest: null,
            });
          } else if (
            def.kind === 'percentage' ||
            def.kind === 'rate_per_1000' ||
            def.kind === 'rate_per_10000'
          ) {
            const d = den?.n.get(k) ?? 0;
            const factor =
              def.kind === 'percentage' ? 100 : def.kind === 'rate_per_1000' ? 1000 : 10000;
            cells.push({
              ...base,
              value: d > 0 ? (factor * n) / d : null,
              numerator: n,
              denominator: d,
              contributors: n,
              largest: null,
              secondLargest: null,
            });
          } else if (def.kind === 'sum' || def.kind === 'mean') {
            const per = [...(num.sums.get(k)?.values() ?? [])].sort((a, b) => b - a);
            const s = per.reduce((a, b) => a + b, 0) / 100;
            cells.push({
              ...base,
              value: def.kind === 'sum' ? s : n > 0 ? s / n : null,
              numerator: s,
              denominator: def.kind === 'mean' ? n : null,
              contributors: per.length,
              largest: per[0] !== undefined ? per[0] / 100 : null,
              secondLargest: per[1] !== undefined ? per[1] / 100 : null,
            });
          } else {
            const vals = [...(num.values.get(k) ?? [])].sort((a, b) => a - b);
            const m = vals.length;
            const med =
              m === 0
                ? null
                : m % 2 === 1
                  ? vals[(m - 1) / 2]!
                  : (vals[m / 2 - 1]! + vals[m / 2]!) / 2;
            const desc = [...vals].reverse();
            cells.push({
              ...base,
              value: med === null ? null : med / 100,
              numerator: m,
              denominator: null,
              contributors: m,
              largest: desc[0] !== undefined ? desc[0] / 100 : null,
              secondLargest: desc[1] !== undefined ? desc[1] / 100 : null,
            });
          }
        }
      }
    }
  }
  return cells;
}
