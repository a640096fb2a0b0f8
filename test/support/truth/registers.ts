/**
 * The cleaned raw registers (`raw_<dataset>`, see raw.ts) as plain rows, dates as ISO text, and
 * the indexes the ground truth looks units up in.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type Row = Record<string, string | number | boolean | null>;

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

export const str = (v: unknown): string => String(v);
export const maybe = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);
export const yearOf = (date: string): number => Number(date.slice(0, 4));
/** Whole cents, rounding half away from zero (as DuckDB's round). */
export const cents = (x: number): number => Math.sign(x) * Math.round(Math.abs(x * 100));

export interface Registers {
  brp: Row[];
  inkomen: Row[];
  schulden: Row[];
  verdachten: Row[];
  ontmantelingen: Row[];
  veroordelingen: Row[];
  vestigingen: Row[];
  bestuurders: Row[];
  transacties: Row[];
  woningen: Row[];
  fiu: Row[];
  uitkeringen: Row[];
}

export async function readRegisters(conn: DuckDBConnection): Promise<Registers> {
  return {
    brp: await rows(conn, 'raw_brp_personen', ['geboortedatum']),
    inkomen: await rows(conn, 'raw_bd_inkomen', []),
    schulden: await rows(conn, 'raw_bd_schulden', []),
    verdachten: await rows(conn, 'raw_politie_verdachten', ['pleegdatum']),
    ontmantelingen: await rows(conn, 'raw_politie_ontmantelingen', ['ontmantelingsdatum']),
    veroordelingen: await rows(conn, 'raw_om_veroordelingen', ['vonnisdatum']),
    vestigingen: await rows(conn, 'raw_kvk_vestigingen', ['startdatum', 'einddatum']),
    bestuurders: await rows(conn, 'raw_kvk_bestuurders', ['startdatum', 'einddatum']),
    transacties: await rows(conn, 'raw_kadaster_transacties', ['transactiedatum']),
    woningen: await rows(conn, 'raw_kadaster_woningen', []),
    fiu: await rows(conn, 'raw_fiu_meldingen', ['meldingsdatum']),
    uitkeringen: await rows(conn, 'raw_uwv_uitkeringen', ['startdatum', 'einddatum']),
  };
}

export const DRUGS = new Set(['drugs_productie', 'drugs_handel']);
const jan1 = (y: number) => `${y}-01-01`;
const dec31 = (y: number) => `${y}-12-31`;
export const activeIn = (start: unknown, end: unknown, y: number) =>
  str(start) <= dec31(y) && (end === null || str(end) >= jan1(y));
export const sbiIn = (sbi: unknown, list: readonly { prefix: string }[]) =>
  list.some((s) => str(sbi).startsWith(s.prefix));

function group(list: Row[], key: (r: Row) => string | null): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of list) {
    const k = key(r);
    if (k === null) continue;
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** The registers indexed by person (`year|bsn`, bsn) and enterprise (kvk), with the lookups on them. */
export class Lookups {
  /** `${year}|${bsn}` → BRP row. */
  readonly resident = new Map<string, Row>();
  /** `${year}|${huishoudnummer}` → bsns. */
  readonly household = new Map<string, string[]>();
  readonly income: Map<string, Row>;
  readonly debtOf: Map<string, Row>;
  readonly fiuOfKvk: Map<string, Row[]>;
  readonly stichtingen: Set<string>;
  private readonly suspectsOf: Map<string, Row[]>;
  private readonly convictionsOf: Map<string, Row[]>;
  private readonly directorsOf: Map<string, Row[]>;
  private readonly benefitsOf: Map<string, Row[]>;

  constructor(r: Registers) {
    for (const p of r.brp) {
      this.resident.set(`${str(p.peiljaar)}|${str(p.bsn)}`, p);
      const hk = `${str(p.peiljaar)}|${str(p.huishoudnummer)}`;
      const members = this.household.get(hk);
      if (members) members.push(str(p.bsn));
      else this.household.set(hk, [str(p.bsn)]);
    }
    this.income = new Map(r.inkomen.map((i) => [`${str(i.jaar)}|${str(i.bsn)}`, i]));
    this.suspectsOf = group(r.verdachten, (v) => str(v.bsn));
    this.convictionsOf = group(r.veroordelingen, (v) => str(v.bsn));
    this.directorsOf = group(r.bestuurders, (b) => str(b.kvk_nummer));
    this.benefitsOf = group(r.uitkeringen, (u) => str(u.bsn));
    this.fiuOfKvk = group(r.fiu, (f) => maybe(f.kvk_nummer));
    this.debtOf = new Map(r.schulden.map((d) => [`${str(d.jaar)}|${str(d.bsn)}`, d]));
    this.stichtingen = new Set(
      r.vestigingen.filter((v) => v.rechtsvorm === 'stichting').map((v) => str(v.kvk_nummer)),
    );
  }

  suspectIn(bsn: string, y: number, drugsOnly: boolean): boolean {
    return (this.suspectsOf.get(bsn) ?? []).some(
      (r) => yearOf(str(r.pleegdatum)) === y && (!drugsOnly || DRUGS.has(str(r.delictklasse))),
    );
  }

  suspectBefore(bsn: string, y: number): boolean {
    return (this.suspectsOf.get(bsn) ?? []).some((r) => str(r.pleegdatum) < jan1(y));
  }

  convictedBy(bsn: string | null, date: string): boolean {
    return (
      bsn !== null && (this.convictionsOf.get(bsn) ?? []).some((r) => str(r.vonnisdatum) <= date)
    );
  }

  convictedDirector(kvk: string, y: number): boolean {
    return (this.directorsOf.get(kvk) ?? []).some(
      (d) => activeIn(d.startdatum, d.einddatum, y) && this.convictedBy(str(d.bsn), dec31(y)),
    );
  }

  benefitIn(bsn: string, y: number, types: string[]): boolean {
    return (this.benefitsOf.get(bsn) ?? []).some(
      (b) => types.includes(str(b.uitkeringssoort)) && activeIn(b.startdatum, b.einddatum, y),
    );
  }
}
