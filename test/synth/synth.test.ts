import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { register } from '../../src/cli/commands/synth.js';
import { DATASETS, datasetContract } from '../../src/ingest/contracts.js';
import {
  buurtConversion,
  loadRegionSet,
  projectRegionsDir,
  type RegionSet,
} from '../../src/regions/index.js';
import { SynthParamError, synthesise, type SynthResult } from '../../src/synth/index.js';

const SCALE = 0.002;
const SEED = 20231;

const elfproef = (bsn: string): boolean => {
  if (!/^\d{9}$/.test(bsn)) return false;
  const d = [...bsn].map(Number);
  const sum = d.slice(0, 8).reduce((s, x, i) => s + x * (9 - i), 0) - d[8]!;
  return sum % 11 === 0;
};

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** Data rows of a semicolon CSV as objects, header excluded; row n is at index n-1. */
function readCsv(path: string, sep = ';'): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = header!.split(sep);
  return lines.map((l) => Object.fromEntries(l.split(sep).map((v, i) => [cols[i]!, v])));
}

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const r = await conn.runAndReadAll(
    `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`,
  );
  const rows = r.getRowObjectsJS() as Record<string, unknown>[];
  conn.closeSync();
  db.closeSync();
  return rows;
}

const validDutchDate = (s: string) => {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[3]!, +m[2]! - 1, +m[1]!));
  return d.getUTCDate() === +m[1]! && d.getUTCMonth() === +m[2]! - 1;
};
const validIsoDate = (s: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCDate() === +m[3]! && d.getUTCMonth() === +m[2]! - 1;
};

interface Defect {
  dataset: string;
  file: string;
  row: number;
  field: string;
  kind: string;
}

describe('synthesise on the CBS region set', () => {
  let regions: RegionSet;
  let a: SynthResult;
  let b: SynthResult;
  let defects: Defect[];

  beforeAll(async () => {
    // The division the project ships (nothing beside the clone needed).
    regions = await loadRegionSet(projectRegionsDir());
    a = await synthesise({
      scale: SCALE,
      seed: SEED,
      outDir: mkdtempSync(join(tmpdir(), 'synth-a-')),
      regions,
    });
    b = await synthesise({
      scale: SCALE,
      seed: SEED,
      outDir: mkdtempSync(join(tmpdir(), 'synth-b-')),
      regions,
    });
    const [header, ...lines] = readFileSync(a.groundTruth.defects, 'utf8').trimEnd().split('\n');
    expect(header).toBe('dataset,file,row,field,kind');
    defects = lines.map((l) => {
      const [dataset, file, row, field, kind] = l.split(',');
      return { dataset: dataset!, file: file!, row: Number(row), field: field!, kind: kind! };
    });
  });

  it('is deterministic: same seed and scale give byte-identical files', () => {
    const hash = (dir: string) =>
      Object.fromEntries(
        listFiles(dir).map((p) => [
          relative(dir, p),
          createHash('sha256').update(readFileSync(p)).digest('hex'),
        ]),
      );
    const ha = hash(a.outDir);
    expect(Object.keys(ha)).toHaveLength(12 + 8 + 3);
    expect(hash(b.outDir)).toEqual(ha);
  });

  it('writes every contract dataset with its exact columns and a manifest per provider', async () => {
    expect(a.files.map((f) => f.dataset).sort()).toEqual(DATASETS.map((d) => d.id).sort());
    for (const d of DATASETS) {
      const path = join(a.outDir, 'providers', d.provider, d.file);
      const f = a.files.find((x) => x.dataset === d.id)!;
      expect(f.path).toBe(path);
      expect(f.rows).toBeGreaterThan(0);
      if (d.format === 'csv-semicolon') {
        const header = readFileSync(path, 'utf8').split('\n', 1)[0];
        expect(header).toBe(d.columns.map((c) => c.name).join(';'));
        expect(readCsv(path)).toHaveLength(f.rows);
      } else {
        const rows = await readParquet(path);
        expect(rows).toHaveLength(f.rows);
        expect(Object.keys(rows[0]!)).toEqual(d.columns.map((c) => c.name));
      }
      const manifest = JSON.parse(
        readFileSync(join(a.outDir, 'providers', d.provider, 'manifest.json'), 'utf8'),
      );
      expect(manifest.provider).toBe(d.provider);
      expect(manifest.files).toContainEqual({
        dataset: d.id,
        file: d.file,
        rows: f.rows,
        sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
      });
    }
  });

  it('has round(inhabitants × scale) BRP residents per gemeente in 2023', () => {
    const brp = readCsv(join(a.outDir, 'providers/gemeenten/brp_personen.csv'));
    const perGm = new Map<string, number>();
    for (const r of brp)
      if (r.peiljaar === '2023')
        perGm.set(
          `GM${r.buurtcode!.slice(2, 6)}`,
          (perGm.get(`GM${r.buurtcode!.slice(2, 6)}`) ?? 0) + 1,
        );
    for (const gm of regions.ofLevel('gemeente')) {
      expect(perGm.get(gm.code) ?? 0, gm.code).toBe(Math.round(gm.inhabitants! * SCALE));
    }
  });

  it('ground-truth population counts exactly the BRP rows not listed as defects, at every level', () => {
    const brp = readCsv(join(a.outDir, 'providers/gemeenten/brp_personen.csv'));
    const bad = new Set(defects.filter((d) => d.dataset === 'brp_personen').map((d) => d.row));
    // Residents are counted on the current division: former buurt codes (herindelingen) map.
    const current = new Map(
      readCsv(a.groundTruth.buurtConversion, ',').map((c) => [
        c.former_buurt_code!,
        c.current_buurt_code!,
      ]),
    );
    expect(current.size).toBeGreaterThan(0);
    const expected = new Map<string, number>();
    brp.forEach((r, i) => {
      if (bad.has(i + 1)) return;
      const buurt = current.get(r.buurtcode!) ?? r.buurtcode!;
      for (const code of [buurt, ...regions.ancestors(buurt).map((x) => x.code)]) {
        const k = `${r.peiljaar},${code}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
    });
    const [header, ...lines] = readFileSync(a.groundTruth.population, 'utf8').trimEnd().split('\n');
    expect(header).toBe('year,region_level,region_code,residents');
    const got = new Map(
      lines
        .map((l) => l.split(','))
        .map(([y, level, code, n]) => [`${y},${code}`, { level, n: Number(n) }]),
    );
    expect(got.size).toBe(expected.size);
    for (const [k, n] of expected) expect(got.get(k)?.n, k).toBe(n);
    expect(got.get('2023,NL01')).toEqual({ level: 'nederland', n: expected.get('2023,NL01') });
  });

  it('keeps age, income and crime within stated bounds', async () => {
    const brp = readCsv(join(a.outDir, 'providers/gemeenten/brp_personen.csv')).filter(
      (r) => r.peiljaar === '2023' && validDutchDate(r.geboortedatum!),
    );
    const ages = brp.map(
      (r) =>
        2022 - Number(r.geboortedatum!.slice(6)) + (r.geboortedatum!.startsWith('01-01') ? 1 : 0),
    );
    const share = (f: (x: number) => boolean) => ages.filter(f).length / ages.length;
    expect(share((x) => x < 18)).toBeGreaterThan(0.17);
    expect(share((x) => x < 18)).toBeLessThan(0.27);
    expect(share((x) => x >= 65)).toBeGreaterThan(0.13);
    expect(share((x) => x >= 65)).toBeLessThan(0.26);
    expect(share((x) => x >= 80)).toBeLessThan(0.1);
    expect(share((x) => x >= 25 && x < 65)).toBeGreaterThan(0.4);
    expect(Math.max(...ages)).toBeLessThanOrEqual(100);
    expect(brp.filter((r) => r.geslacht === 'V').length / brp.length).toBeGreaterThan(0.47);

    const inc = (await readParquet(join(a.outDir, 'providers/belastingdienst/bd_inkomen.parquet')))
      .filter((r) => r.jaar === 2023 && typeof r.verzamelinkomen === 'number')
      .map((r) => r.verzamelinkomen as number)
      .sort((x, y) => x - y);
    const q = (p: number) => inc[Math.floor(p * (inc.length - 1))]!;
    expect(q(0.5)).toBeGreaterThan(18_000);
    expect(q(0.5)).toBeLessThan(40_000);
    expect(q(0.9) / q(0.5)).toBeGreaterThan(1.8);
    expect(q(0.9) / q(0.5)).toBeLessThan(3.5);
    expect(q(0.99) / q(0.5)).toBeGreaterThan(3.5); // skewed: a long right tail

    const reg = readCsv(join(a.outDir, 'providers/politie/politie_verdachten.csv'));
    const perYear = reg.length / 5 / (a.persons * 0.97);
    expect(perYear).toBeGreaterThan(0.007);
    expect(perYear).toBeLessThan(0.03);
    const perBsn = new Map<string, number>();
    for (const r of reg) perBsn.set(r.bsn!, (perBsn.get(r.bsn!) ?? 0) + 1);
    expect([...perBsn.values()].filter((n) => n >= 5).length).toBeGreaterThan(0); // repeat offenders
  });

  it('gives valid BSNs and 8-digit KvK-nummers except where a defect is listed', async () => {
    const invalid = new Set(
      defects
        .filter((d) => d.kind === 'invalid_bsn' && d.dataset === 'brp_personen')
        .map((d) => d.row),
    );
    expect(invalid.size).toBeGreaterThan(0);
    const wrong = readCsv(join(a.outDir, 'providers/gemeenten/brp_personen.csv'))
      .map((r, i) => (elfproef(r.bsn!) === !invalid.has(i + 1) ? null : i + 1))
      .filter((x) => x !== null);
    expect(wrong).toEqual([]);
    const kvk = await readParquet(join(a.outDir, 'providers/kvk/kvk_vestigingen.parquet'));
    for (const r of kvk) expect(r.kvk_nummer).toMatch(/^\d{8}$/);
    expect(new Set(kvk.map((r) => r.vestigingsnummer)).size).toBe(kvk.length);
  });

  it('lists every injected defect, and every listed defect is present', async () => {
    const kinds = new Set(defects.map((d) => d.kind));
    expect([...kinds].sort()).toEqual([
      'duplicate_row',
      'impossible_date',
      'invalid_bsn',
      'missing_field',
      'unknown_region_code',
    ]);
    expect(a.defects).toBe(defects.length);
    const buurten = new Set([
      ...regions.ofLevel('buurt').map((r) => r.code),
      ...buurtConversion(regions).map((c) => c.formerBuurtCode),
    ]);
    for (const d of DATASETS) {
      const path = join(a.outDir, 'providers', d.provider, d.file);
      const rows: Record<string, unknown>[] =
        d.format === 'csv-semicolon' ? readCsv(path) : await readParquet(path);
      const listed = new Map(defects.filter((x) => x.dataset === d.id).map((x) => [x.row, x]));
      for (const x of listed.values()) expect(x.file).toBe(relative(a.outDir, path));
      const seenKeys = new Set<string>();
      // Collect mismatches instead of asserting per cell: tens of thousands of cells.
      const wrong: string[] = [];
      const check = (ok: boolean, what: string) => {
        if (!ok && wrong.length < 10) wrong.push(what);
      };
      rows.forEach((row, i) => {
        const defect = listed.get(i + 1);
        const at = `${d.id} row ${i + 1}`;
        const key = d.key.map((k) => String(row[k])).join('|');
        check(seenKeys.has(key) === (defect?.kind === 'duplicate_row'), `${at} duplicate`);
        seenKeys.add(key);
        for (const c of d.columns) {
          const v = row[c.name];
          const empty = v === null || v === undefined || v === '';
          const mine = defect && defect.field === c.name ? defect.kind : null;
          if (mine === 'missing_field') check(empty, `${at} ${c.name} should be empty`);
          else if (!c.nullable) check(!empty, `${at} ${c.name} is empty`);
          if (empty) continue;
          if (c.regionLevel === 'buurt')
            check(buurten.has(String(v)) === (mine !== 'unknown_region_code'), `${at} ${c.name}`);
          if (c.identifier === 'bsn')
            check(elfproef(String(v)) === (mine !== 'invalid_bsn'), `${at} ${c.name}`);
          if (c.type === 'DATE' && d.format === 'csv-semicolon') {
            const ok =
              c.dateFormat === 'dutch' ? validDutchDate(String(v)) : validIsoDate(String(v));
            check(ok === (mine !== 'impossible_date'), `${at} ${c.name}`);
          }
          if (c.values) check(c.values.includes(String(v)), `${at} ${c.name} value ${String(v)}`);
        }
      });
      expect(wrong, d.id).toEqual([]);
    }
    // The unknown codes keep the gemeente digits and follow the CBS pattern.
    const brp = readCsv(join(a.outDir, 'providers/gemeenten/brp_personen.csv'));
    const unknown = defects.filter(
      (d) => d.dataset === 'brp_personen' && d.kind === 'unknown_region_code',
    );
    expect(unknown.length).toBe(Math.round(brp.length * 0.005));
    for (const u of unknown) expect(brp[u.row - 1]!.buurtcode).toMatch(/^BU\d{8}$/);
    expect(datasetContract('politie_verdachten').key).toEqual(['registratienummer']);
  });
});

describe('synthesise on the synthetic country', () => {
  it('runs without CBS files and gives the scaled population per gemeente', async () => {
    const regions = await loadRegionSet(null, { seed: 3 });
    const out = mkdtempSync(join(tmpdir(), 'synth-c-'));
    const progress: [string, number, number][] = [];
    const res = await synthesise({
      scale: 0.01,
      seed: 3,
      outDir: out,
      regions,
      onProgress: (stage, done, total) => progress.push([stage, done, total]),
    });
    expect(progress.map(([, done]) => done)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.at(-1)).toEqual(['ground truth', progress.length, progress.length]);
    const brp = readCsv(join(out, 'providers/gemeenten/brp_personen.csv')).filter(
      (r) => r.peiljaar === '2023',
    );
    for (const gm of regions.ofLevel('gemeente')) {
      expect(brp.filter((r) => r.buurtcode!.slice(2, 6) === gm.code.slice(2)).length).toBe(
        Math.round(gm.inhabitants! * 0.01),
      );
    }
    expect(res.years).toEqual([2019, 2020, 2021, 2022, 2023]);
  });
});

describe('bad arguments', () => {
  it('rejects a scale outside 0.001..1 with a clear error', async () => {
    const regions = await loadRegionSet(null);
    for (const scale of [0, 0.0005, 1.5, Number.NaN]) {
      await expect(synthesise({ scale, seed: 1, outDir: tmpdir(), regions })).rejects.toThrow(
        SynthParamError,
      );
    }
    await expect(synthesise({ scale: 2, seed: 1, outDir: tmpdir(), regions })).rejects.toThrow(
      'scale must be a number from 0.001 to 1, got 2',
    );
  });

  const run = async (args: string[]) => {
    const program = new Command('samenzicht').exitOverride();
    register(program);
    return program.parseAsync(['node', 'samenzicht', 'synth', ...args]);
  };

  it('CLI: bad --scale and an unwritable --out give a one-line UsageError', async () => {
    await expect(run(['--scale', 'abc', '--out', tmpdir()])).rejects.toThrow(
      new UsageError("--scale must be a number from 0.001 to 1, got 'abc'"),
    );
    await expect(run(['--scale', '3', '--out', tmpdir()])).rejects.toThrow(UsageError);
    const file = join(mkdtempSync(join(tmpdir(), 'synth-out-')), 'a-file');
    writeFileSync(file, 'x');
    await expect(run(['--scale', '0.001', '--out', join(file, 'sub')])).rejects.toThrow(
      new UsageError(`--out ${join(file, 'sub')} is not a writable directory (ENOTDIR)`),
    );
    await expect(run(['--out', tmpdir(), '--regions', '/nonexistent/regions'])).rejects.toThrow(
      new UsageError('regions directory /nonexistent/regions (from --regions) does not exist'),
    );
  });
});
