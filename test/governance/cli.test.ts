import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { register } from '../../src/cli/commands/governance.js';
import { UsageError } from '../../src/cli/errors.js';
import { setupDemoGovernance } from '../../src/governance/index.js';
import { openStore } from '../../src/store/index.js';
import { writeTestRelease } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'samenzicht-cli-'));
const savedUrl = process.env.DATABASE_URL;
let digest = '';

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  const store = await openStore({ dataDir: dir });
  const demo = await setupDemoGovernance(store);
  const gov = demo.governance;
  const run = await gov.startRun(demo.broker.id, {
    indicators: [
      {
        id: 'fiu_meldingen_per_1000',
        theme: 'verdachte_transacties',
        sources: ['fiu_meldingen', 'brp_personen'],
      },
    ],
  });
  ({ digest } = writeTestRelease(dir, 'rel-cli'));
  await gov.createCandidate(demo.broker.id, {
    runId: run.id,
    releaseId: 'rel-cli',
    digest,
    auditSummary: {},
  });
  await gov.review(demo.providers.fiu!.id, 'rel-cli', { decision: 'approve', digest });
  await gov.review(demo.providers.gemeenten!.id, 'rel-cli', { decision: 'approve', digest });
  await store.close();
});
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});
afterAll(() => {
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  const program = new Command('samenzicht')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  register(program);
  try {
    await program.parseAsync(['node', 'samenzicht', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return out.join('');
}

describe('governance CLI', () => {
  it('lists organisations and agreements', async () => {
    const orgs = await cli('orgs', 'list', '--data', dir);
    expect(orgs.split('\n')).toContain(
      'politie-om  provider  Politie en Openbaar Ministerie  [politie, om]',
    );
    expect(orgs.trim().split('\n')).toHaveLength(10);
    const agreements = await cli('agreements', 'list', '--data', dir);
    expect(agreements).toMatch(
      /^convenant-samenzicht-demo {2}active {2}\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d {2}signed 8\/8 {2}datasets 12 {2}themes drugs,/,
    );
  });

  it('approves and publishes through the airlock as named users', async () => {
    expect(await cli('releases', 'list', '--data', dir)).toBe(
      'rel-cli  candidate  indicators 1  board 0/2  fiu:approved gemeenten:approved\n',
    );
    await expect(
      cli(
        'releases',
        'publish',
        'rel-cli',
        '--as',
        'analyst@broker.demo.samenzicht.nl',
        '--data',
        dir,
      ),
    ).rejects.toThrow('release rel-cli is not approved: providers pending none; board 0/2');
    await expect(
      cli(
        'releases',
        'approve',
        'rel-cli',
        '--as',
        'analyst@broker.demo.samenzicht.nl',
        '--data',
        dir,
      ),
    ).rejects.toThrow(/started the run of rel-cli and cannot review it/);
    await expect(
      cli('releases', 'reject', 'rel-cli', '--as', 'chair@board.demo.samenzicht.nl', '--data', dir),
    ).rejects.toThrow(/required option '--reason <TEXT>' not specified/);
    await expect(
      cli('releases', 'approve', 'rel-cli', '--as', 'nobody@x.nl', '--data', dir),
    ).rejects.toThrow(UsageError);
    // The approval signs the digest: a reviewer who checked other content is refused.
    await expect(
      cli(
        'releases',
        'approve',
        'rel-cli',
        '--as',
        'chair@board.demo.samenzicht.nl',
        '--digest',
        'e'.repeat(64),
        '--data',
        dir,
      ),
    ).rejects.toThrow(
      `chair@board.demo.samenzicht.nl approved other content: the review signs digest eeeeeeeeeeee, but release rel-cli has digest ${digest.slice(0, 12)}`,
    );
    expect(
      await cli(
        'releases',
        'approve',
        'rel-cli',
        '--as',
        'chair@board.demo.samenzicht.nl',
        '--digest',
        digest,
        '--data',
        dir,
      ),
    ).toBe(
      `rel-cli  digest ${digest}\nrel-cli  candidate  indicators 1  board 1/2  fiu:approved gemeenten:approved\n`,
    );
    expect(
      await cli(
        'releases',
        'approve',
        'rel-cli',
        '--as',
        'member1@board.demo.samenzicht.nl',
        '--data',
        dir,
      ),
    ).toBe(
      `rel-cli  digest ${digest}\nrel-cli  candidate  indicators 1  board 2/2  fiu:approved gemeenten:approved\n`,
    );
    expect(await cli('releases', 'verify', 'rel-cli', '--data', dir)).toBe(
      `rel-cli  files match digest ${digest}\n`,
    );
    // A file changed after the approvals: verify names it and publication is refused.
    const parquet = join(dir, 'releases', 'rel-cli', 'cells.parquet');
    const original = readFileSync(parquet);
    writeFileSync(parquet, 'PAR1 other content PAR1');
    expect(await cli('releases', 'verify', 'rel-cli', '--data', dir)).toMatch(
      /^rel-cli {2}files DO NOT MATCH: releases\/rel-cli\/ has digest [0-9a-f]{12}, the recorded \(and approved\) one is [0-9a-f]{12} \(cells\.parquet changed \(sha256 [0-9a-f]{12}, was [0-9a-f]{12}\)\)\n$/,
    );
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    await expect(
      cli(
        'releases',
        'publish',
        'rel-cli',
        '--as',
        'analyst@broker.demo.samenzicht.nl',
        '--data',
        dir,
      ),
    ).rejects.toThrow(
      /^release rel-cli cannot be published: its files are not the approved content/,
    );
    writeFileSync(parquet, original);
    expect(
      await cli(
        'releases',
        'publish',
        'rel-cli',
        '--as',
        'analyst@broker.demo.samenzicht.nl',
        '--data',
        dir,
      ),
    ).toMatch(/^rel-cli {2}published /);
    expect(
      await cli(
        'releases',
        'withdraw',
        'rel-cli',
        '--as',
        'member2@board.demo.samenzicht.nl',
        '--reason',
        'typo in title',
        '--data',
        dir,
      ),
    ).toMatch(/^rel-cli {2}withdrawn \(withdrawn: typo in title\) /);
  });

  it('audit verify passes on an intact trail and names the first broken entry after tampering', async () => {
    const ok = await cli('audit', 'verify', '--data', dir);
    expect(ok).toMatch(/^audit trail intact: \d+ entries, head [0-9a-f]{64}\n$/);
    expect(process.exitCode).toBeUndefined();

    const store = await openStore({ dataDir: dir });
    await sql`DROP TRIGGER audit_log_no_update`.execute(store.db);
    await sql`UPDATE audit_log SET actor = 'mallory' WHERE seq = 5`.execute(store.db);
    await store.close();
    const broken = await cli('audit', 'verify', '--data', dir);
    expect(broken).toMatch(
      /^audit trail BROKEN at entry 5 of \d+: entry 5: content does not match its hash \(entry edited\)\n$/,
    );
    expect(process.exitCode).toBe(1);
  });

  it('refuses a data directory without a state database', async () => {
    await expect(cli('audit', 'verify', '--data', join(dir, 'nope'))).rejects.toThrow(
      `no state database at ${join(dir, 'nope', 'state.sqlite')} (run the demo first, or pass --data DIR)`,
    );
  });
});
