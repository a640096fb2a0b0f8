/**
 * `npm run bench -- pseudonym [--rows N]`: identifiers per second per core for each scheme, and
 * the projected time for the national population (17.6 M).
 *
 *  - keyed stage 1 (provider) and stage 2 (broker): HMAC-SHA256 in one JS thread (= one core),
 *    batched into OpenSSL by the native addon, side by side with one node:crypto Hmac per id;
 *  - pep: encryption at the provider, one transcryptor's pseudonymise step, broker decryption;
 *  - the file tool end to end on a generated BRP-like semicolon CSV and Parquet file (--rows,
 *    default 1 M; each BSN in five rows), including the DuckDB read, the 11-proef and HMAC once
 *    per distinct value, the join back and the output write;
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
  hmacImplementation,
  InProcessKeyholder,
  keyedStage1Batch,
  keyedStage1Label,
  keyedStage2Batch,
  loadLibpep,
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

    // keyed: in batches of 2,048 like the file tool (a DuckDB vector), results dropped after
    // each batch, so the figure is the hashing, not the old-generation GC of 1 M strings.
    const k1 = await keys.k1();
    const k2 = { version: 1, key: Buffer.alloc(32, 7) };
    const s1 = keyedStage1Batch(k1);
    const s2 = keyedStage2Batch(k2, 1);
    const CHUNK = 2048;
    const chunks = Array.from({ length: Math.ceil(ids.length / CHUNK) }, (_, i) =>
      ids.slice(i * CHUNK, (i + 1) * CHUNK),
    );
    const stage1Chunks = chunks.map((c) => s1('bsn', c));
    const perCore = (f: (chunk: string[], i: number) => unknown): number => {
      chunks.forEach(f); // warm-up
      const [, t] = time(() => chunks.forEach(f));
      return ids.length / t;
    };
    // Side by side: the same stages with one node:crypto Hmac object per id (what runs when the
    // addon is not built), and the cheapest node:crypto call there is (unkeyed one-shot hash).
    const prefix1 = keyedStage1Label(k1.version, '');
    const r1 = perCore((c) => s1('bsn', c));
    const r1Node = perCore((c) =>
      c.map((id) => prefix1 + createHmac('sha256', k1.key).update(`bsn:${id}`).digest('base64url')),
    );
    const r2 = perCore((_, i) => s2(stage1Chunks[i] as string[]));
    const r2Node = perCore((_, i) =>
      (stage1Chunks[i] as string[]).map(
        (v) =>
          'ZS:keyed:v1:' +
          createHmac('sha256', k2.key)
            .update(Buffer.from(v.slice(prefix1.length), 'base64url'))
            .digest('base64url'),
      ),
    );
    const rFloor = perCore((c) => c.map((id) => hash('sha256', id, 'buffer')));
    console.log(`keyed HMAC-SHA256: ${hmacImplementation}`);
    line('keyed stage 1 (provider, HMAC K1)', r1);
    line('keyed stage 2 (broker, HMAC K2)', r2);
    line('keyed both stages (one core does both)', 1 / (1 / r1 + 1 / r2));
    line('  stage 1, node:crypto Hmac per id', r1Node, `native batch ${(r1 / r1Node).toFixed(2)}x`);
    line('  stage 2, node:crypto Hmac per id', r2Node, `native batch ${(r2 / r2Node).toFixed(2)}x`);
    line('  crypto.hash one-shot, unkeyed (call floor)', rFloor);
    const stage1 = stage1Chunks.flat(); // for the write-back comparison below

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
    // What limits pep: elliptic-curve arithmetic in WebAssembly. Side by side, libpep's own
    // ristretto255 scalar multiplication; an ElGamal encryption needs two, a decryption one.
    const pep = await loadLibpep();
    const point = pep.GroupElement.random();
    const scalar = pep.ScalarNonZero.random();
    const [, tm] = time(() => {
      for (let i = 0; i < n; i++) point.mul(scalar).free();
    });
    line(
      '  ristretto255 scalar multiplications (wasm)',
      n / tm,
      'multiplications, not ids: an encryption needs two, a decryption one',
    );

    // file tool end to end
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    // A BRP-like register: each person once per year for five years, so the file tool hashes
    // each distinct BSN once for five rows.
    const people = bsns(Math.ceil(rows / 5));
    await conn.run('CREATE TABLE people (i BIGINT, bsn VARCHAR)');
    const peopleApp = await conn.createAppender('people');
    people.forEach((b, i) => {
      peopleApp.appendBigInt(BigInt(i));
      peopleApp.appendVarchar(b);
      peopleApp.endRow();
    });
    peopleApp.closeSync();
    await conn.run(`CREATE TABLE gen AS SELECT 2019 + (r.i % 5) AS jaar, p.bsn,
      round(random() * 100000, 2) AS verzamelinkomen, round(random() * 50000, 2) AS vermogen
      FROM range(${rows}) r(i) JOIN people p ON p.i = r.i // 5 ORDER BY r.i`);
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
      console.log(
        `file tool keyed, ${name}: ${(rows / 1e6).toFixed(1)} M rows, ${m.distinctIds.toLocaleString('en-US')} distinct BSNs: ` +
          `${Math.round(m.rowsIn / cpu).toLocaleString('en-US')} rows and ${Math.round(m.distinctIds / cpu).toLocaleString('en-US')} distinct ids per CPU-s ` +
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
