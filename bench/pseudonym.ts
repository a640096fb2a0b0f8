/**
 * `npm run bench -- pseudonym [--rows N]`: identifiers per second per core for each scheme, and
 * the projected time for the national population (17.6 M).
 *
 *  - keyed stage 1 (provider) and stage 2 (broker): HMAC-SHA256 in one JS thread (= one core);
 *  - pep: encryption at the provider, one transcryptor's pseudonymise step, broker decryption;
 *  - the file tool end to end on a generated semicolon CSV and Parquet file (--rows, default 1 M),
 *    including DuckDB read, the 11-proef, write-back by appender, and the output write;
 *  - the write-back alternative: appender vs. INSERT … unnest of list parameters.
 */
import { createHmac, hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import {
  completeBsn,
  initKeyholder,
  InProcessKeyholder,
  keyedStage1,
  keyedStage2,
  pepDecrypter,
  pepEncrypter,
  pepTranscryptor,
  pseudonymiseFile,
  readKeyholderDir,
} from '../src/pseudonym/index.js';

const NATIONAL = 17_600_000;

function bsns(n: number): string[] {
  const out: string[] = [];
  for (let i = 10_000_000; out.length < n; i++) {
    const b = completeBsn(String(i));
    if (b) out.push(b);
  }
  return out;
}

function line(name: string, perSecond: number, note = ''): void {
  const projected = NATIONAL / perSecond;
  const human =
    projected >= 3600
      ? `${(projected / 3600).toFixed(1)} h`
      : projected >= 60
        ? `${(projected / 60).toFixed(1)} min`
        : `${projected.toFixed(1)} s`;
  console.log(
    `${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(11)} ids/s/core   17.6 M: ${human.padStart(9)} core-time${note ? `   ${note}` : ''}`,
  );
}

/**
 * CPU seconds of this process (user + system), not wall time: the machine is shared, and
 * "per core" means per CPU-second actually spent. The JS loops are single-threaded.
 */
function time<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}

export async function run(flags: string[]): Promise<void> {
  const rowsFlag = flags.find((f) => f.startsWith('--rows='));
  const rows = rowsFlag ? Number(rowsFlag.split('=')[1]) : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'samenzicht-bench-pseudonym-'));
  console.log(
    `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; rates per CPU-second`,
  );
  try {
    await initKeyholder(join(dir, 'kh'), { transcryptors: 3 });
    const keys = new InProcessKeyholder(join(dir, 'kh'));
    const ids = bsns(1_000_000);

    // keyed: streamed in chunks of 2,048 like the file tool (a DuckDB vector), results dropped
    // after each chunk, so the figure is the hashing, not the old-generation GC of 1 M strings.
    const s1 = keyedStage1(await keys.k1());
    const s2 = keyedStage2({ version: 1, key: Buffer.alloc(32, 7) }, 1);
    const CHUNK = 2048;
    const stage1Chunks = (): number => {
      let total = 0;
      for (let at = 0; at < ids.length; at += CHUNK) {
        total += ids.slice(at, at + CHUNK).map((id) => s1('bsn', id)).length;
      }
      return total;
    };
    stage1Chunks(); // warm-up
    const [, t1] = time(stage1Chunks);
    line('keyed stage 1 (provider, HMAC K1)', ids.length / t1);
    const sample = ids.slice(0, CHUNK).map((id) => s1('bsn', id));
    const [, t2] = time(() => {
      for (let at = 0; at < ids.length; at += CHUNK) sample.map(s2);
    });
    line('keyed stage 2 (broker, HMAC K2)', ids.length / t2);
    line('keyed both stages (one core does both)', ids.length / (t1 + t2));
    // What limits keyed: the cost of one call into node:crypto. Side by side, the same chunks
    // through a bare createHmac (no label, no prefix) and through the one-shot unkeyed
    // crypto.hash, the cheapest call node:crypto has: a floor no per-id HMAC can go below.
    const k = Buffer.alloc(32, 9);
    const [, tHmac] = time(() => {
      for (let at = 0; at < ids.length; at += CHUNK)
        ids.slice(at, at + CHUNK).map((id) => createHmac('sha256', k).update(id).digest());
    });
    line('  bare createHmac per id (the keyed core)', ids.length / tHmac);
    const [, tHash] = time(() => {
      for (let at = 0; at < ids.length; at += CHUNK)
        ids.slice(at, at + CHUNK).map((id) => hash('sha256', id, 'buffer'));
    });
    line('  crypto.hash one-shot, unkeyed (call floor)', ids.length / tHash);
    const stage1 = ids.map((id) => s1('bsn', id)); // for the write-back comparison below

    // pep
    const kd = readKeyholderDir(join(dir, 'kh'));
    const enc = await pepEncrypter(kd.public.pep);
    const n = 2_000;
    const [cts, te] = time(() => ids.slice(0, n).map((id) => enc('bsn', id)));
    line('pep encrypt (provider)', n / te);
    const ts = await Promise.all(kd.transcryptors.map((t) => pepTranscryptor(t.secret)));
    let cur = cts;
    let tt = 0;
    for (const t of ts) {
      const [r, dt] = time(() => t.pseudonymise(cur, 'source', 1));
      cur = r;
      tt += dt;
    }
    line(`pep transcrypt, each of ${ts.length} transcryptors`, (n * ts.length) / tt);
    const dec = await pepDecrypter(
      kd.public.pep,
      ts.map((t) => t.sessionKeyShare(1)),
      1,
    );
    const [, td] = time(() => cur.map(dec));
    line('pep decrypt (broker)', n / td);
    line('pep end to end, all parties on one core', n / (te + tt + td));

    // file tool end to end
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `CREATE TABLE ids AS SELECT * FROM (VALUES ${ids
        .slice(0, 1000)
        .map((b) => `('${b}')`)
        .join(',')}) t(bsn)`,
    );
    await conn.run(`CREATE TABLE gen AS SELECT 2019 + (i % 5) AS jaar, (SELECT list(bsn) FROM ids)[1 + (i % 1000)] AS bsn,
      round(random() * 100000, 2) AS verzamelinkomen, round(random() * 50000, 2) AS vermogen FROM range(${rows}) r(i)`);
    const csv = join(dir, 'in.csv');
    const parquet = join(dir, 'in.parquet');
    await conn.run(`COPY gen TO '${csv}' (FORMAT csv, DELIMITER ';', HEADER true)`);
    await conn.run(`COPY gen TO '${parquet}' (FORMAT parquet)`);
    for (const [name, inFile, ext] of [
      ['csv', csv, 'csv'],
      ['parquet', parquet, 'parquet'],
    ] as const) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const m = await pseudonymiseFile({
        inFile,
        outFile: join(dir, `out.${ext}`),
        rejectFile: join(dir, `rej.${ext}`),
        scheme: 'keyed',
        idColumns: ['bsn'],
        keys,
      });
      const dt = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      line(
        `file tool keyed, ${name}, ${(rows / 1e6).toFixed(1)} M rows`,
        m.rowsIn / cpu,
        `(${dt.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU-s incl. DuckDB threads)`,
      );
    }

    // write-back alternatives for 1 M pseudonyms
    const vals = stage1;
    const rids = vals.map((_, i) => i);
    await conn.run('CREATE TABLE a (rid BIGINT, p VARCHAR)');
    let t0 = performance.now();
    const app = await conn.createAppender('a');
    for (let i = 0; i < vals.length; i++) {
      app.appendBigInt(BigInt(rids[i] as number));
      app.appendVarchar(vals[i] as string);
      app.endRow();
    }
    app.closeSync();
    const tApp = (performance.now() - t0) / 1000;
    await conn.run('CREATE TABLE b (rid BIGINT, p VARCHAR)');
    t0 = performance.now();
    const chunk = 100_000;
    for (let at = 0; at < vals.length; at += chunk) {
      await conn.run('INSERT INTO b SELECT unnest($1), unnest($2)', [
        listValue(rids.slice(at, at + chunk)),
        listValue(vals.slice(at, at + chunk)),
      ]);
    }
    const tUnnest = (performance.now() - t0) / 1000;
    console.log(
      `write-back of 1 M pseudonyms: appender ${tApp.toFixed(2)} s, INSERT … unnest(list params) ${tUnnest.toFixed(2)} s`,
    );
    conn.closeSync();
    db.closeSync();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
