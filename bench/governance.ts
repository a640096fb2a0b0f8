/**
 * Governance figures: demo setup, audit trail append and verify rates, and upload throughput.
 * `npm run bench -- governance [--entries=N] [--mb=M]`; uses PostgreSQL too when
 * SAMENZICHT_TEST_DATABASE_URL is set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Governance, receiveUpload } from '../src/governance/index.js';
import { setupDemoGovernance } from '../test/support/demo-governance.js';
import { openStore, type Store } from '../src/store/index.js';

function flag(flags: string[], name: string, fallback: number): number {
  const f = flags.find((x) => x.startsWith(`--${name}=`));
  return f ? Number(f.split('=')[1]) : fallback;
}

async function measure(label: string, store: Store, entries: number): Promise<void> {
  let t = performance.now();
  await setupDemoGovernance(store);
  console.log(
    `${label}: demo setup (10 organisations, 12 users, agreement signed by 8): ${(performance.now() - t).toFixed(0)} ms`,
  );
  const gov = new Governance(store);
  t = performance.now();
  for (let i = 0; i < entries; i++) await gov.logAudit('bench', 'access', `release-${i}`, { i });
  const append = performance.now() - t;
  console.log(
    `${label}: audit append ${entries} entries: ${append.toFixed(0)} ms (${((entries / append) * 1000).toFixed(0)} entries/s)`,
  );
  t = performance.now();
  const v = await gov.verifyAuditTrail();
  const verify = performance.now() - t;
  console.log(
    `${label}: audit verify ${v.entries} entries: ${verify.toFixed(0)} ms (${((v.entries / verify) * 1000).toFixed(0)} entries/s), ok=${v.ok}`,
  );
}

export async function run(flags: string[]): Promise<void> {
  const entries = flag(flags, 'entries', 5000);
  const mb = flag(flags, 'mb', 256);
  const dir = mkdtempSync(join(tmpdir(), 'samenzicht-bench-gov-'));
  try {
    const sqlite = await openStore({ dataDir: join(dir, 'sqlite') });
    await measure('sqlite', sqlite, entries);
    await sqlite.close();
    const url = process.env.SAMENZICHT_TEST_DATABASE_URL;
    if (url) {
      const schema = `bench_${randomBytes(4).toString('hex')}`;
      const pg = await openStore({ dataDir: join(dir, 'pg'), databaseUrl: url, schema });
      await measure('postgres', pg, entries);
      await pg.db.schema.dropSchema(schema).cascade().execute();
      await pg.close();
    } else {
      console.log('postgres: skipped (set SAMENZICHT_TEST_DATABASE_URL)');
    }
    const chunk = randomBytes(1 << 20);
    const hash = createHash('sha256');
    for (let i = 0; i < mb; i++) hash.update(chunk);
    let n = 0;
    const body = new Readable({
      read() {
        this.push(n++ < mb ? chunk : null);
      },
    });
    const t = performance.now();
    const r = await receiveUpload(body, {
      incomingDir: join(dir, 'incoming'),
      maxBytes: mb << 20,
      expectedSha256: hash.digest('hex'),
    });
    const ms = performance.now() - t;
    console.log(
      `upload: ${mb} MiB streamed, hashed and written in ${ms.toFixed(0)} ms (${((mb / ms) * 1000).toFixed(0)} MiB/s), ${r.bytes} bytes`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
