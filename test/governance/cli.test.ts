/**
 * The governance CLI as a client of a real broker: `createApp` on a temp data dir, listening on a
 * loopback port, and the commands run through the CLI's own entry (`main`) with the tokens of
 * different demo users. Every action is that user's: their roles apply and the audit names them.
 * `tokens create|list|revoke`: a token is created with its expiry, listed by id without its
 * secret, revoked by id, and then refused.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { runCli, type CliResult } from '../support/cli.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { createApp } from '../../src/pipeline/serve.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { openStore } from '../../src/store/index.js';
import { agreementDraft, writeTestRelease } from './helpers.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('samenzicht-cli-');
const ENV = [
  'DATABASE_URL',
  'SAMENZICHT_BROKER',
  'SAMENZICHT_TOKEN',
  'SAMENZICHT_PASSWORD',
] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
let digest = '';
let demo: DemoGovernance;
let app: FastifyInstance;
let url = '';

beforeAll(async () => {
  for (const k of ENV) delete process.env[k];
  const store = await openStore({ dataDir: dir });
  demo = await setupDemoGovernance(store);
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
  await store.close();
  // The broker as `samenzicht serve` runs it, on the same data directory.
  ({ app } = await createApp({
    dataDir: dir,
    regions: await loadRegionSet(null),
    publicBaseUrl: 'http://127.0.0.1',
    logger: false,
  }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

type Result = CliResult;

/** Runs `samenzicht ARGS` through the CLI entry, with SAMENZICHT_TOKEN (and more) set for it. */
function cli(
  args: string[],
  o: { token?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<Result> {
  const env = { ...o.env, ...(o.token !== undefined ? { SAMENZICHT_TOKEN: o.token } : {}) };
  return runCli(args, env, () => {
    if (o.stdin !== undefined)
      vi.spyOn(process, 'stdin', 'get').mockReturnValue(
        Readable.from([o.stdin]) as unknown as typeof process.stdin,
      );
  });
}

const b = (...args: string[]) => [...args, '--broker', url];
const ok = (r: Result): string => {
  expect(r.err, r.err).not.toMatch(/samenzicht: |error: /);
  expect(r.code).toBe(0);
  return r.out;
};
/** A refusal: exit code 2 and one line on stderr. */
const refused = (r: Result): string => {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trim().split('\n')).toHaveLength(1);
  return r.err.trim();
};

interface Entry {
  actor: string;
  subject: string;
  details: Record<string, unknown>;
}
async function auditEntries(action: string): Promise<Entry[]> {
  const res = await fetch(`${url}/api/v1/audit?action=${action}`, {
    headers: { authorization: `Bearer ${demo.broker.token}` },
  });
  return ((await res.json()) as { entries: Entry[] }).entries;
}

describe('governance CLI over the broker API', () => {
  it('lists organisations and agreements; whoami names the token owner', async () => {
    const orgs = ok(await cli(b('orgs', 'list'), { token: demo.consumer.token }));
    expect(orgs.split('\n')).toContain(
      'politie-om  provider  Politie en Openbaar Ministerie  [politie, om]',
    );
    expect(orgs.trim().split('\n')).toHaveLength(10);
    const agreements = ok(await cli(b('agreements', 'list'), { token: demo.broker.token }));
    expect(agreements).toMatch(
      /^convenant-samenzicht-demo {2}active {2}\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d {2}signed 8\/8 {2}datasets 12 {2}themes drugs,/,
    );
    expect(ok(await cli(b('whoami'), { token: demo.board[0]!.token }))).toBe(
      'chair@board.demo.samenzicht.nl  Board chair  organisations board  roles board  via api-token\n',
    );
    const json = JSON.parse(
      ok(await cli(b('whoami', '--json'), { token: demo.providers.fiu!.token })),
    ) as { email: string; roles: string[] };
    expect(json).toMatchObject({ email: 'steward@fiu.demo.samenzicht.nl', roles: ['provider'] });
    // SAMENZICHT_BROKER stands in for --broker.
    expect(
      ok(
        await cli(['users', 'list'], { token: demo.broker.token, env: { SAMENZICHT_BROKER: url } }),
      )
        .trim()
        .split('\n'),
    ).toContain(
      'analyst@riec.demo.samenzicht.nl  RIEC analyst  organisations riec  roles consumer',
    );
  });

  it('refuses a consumer, a missing or unknown token, and names an unreachable broker', async () => {
    expect(refused(await cli(b('releases', 'list'), { token: demo.consumer.token }))).toBe(
      'samenzicht: GET /airlock/releases needs role provider or broker or board; analyst@riec.demo.samenzicht.nl has consumer',
    );
    expect(
      refused(await cli(b('releases', 'approve', 'rel-cli'), { token: demo.consumer.token })),
    ).toMatch(
      /needs role provider or broker or board; analyst@riec\.demo\.samenzicht\.nl has consumer$/,
    );
    expect(refused(await cli(b('releases', 'list')))).toBe(
      'samenzicht: log in first: give --token-file FILE or set SAMENZICHT_TOKEN (see `samenzicht login`)',
    );
    expect(refused(await cli(b('releases', 'list'), { token: 'sza_forged' }))).toBe(
      `samenzicht: not logged in at ${url} (unknown, expired or revoked token); log in with \`samenzicht login --broker ${url} --email EMAIL --token-file FILE\``,
    );
    expect(refused(await cli(['releases', 'list'], { token: demo.broker.token }))).toBe(
      'samenzicht: say which broker: --broker URL (or set SAMENZICHT_BROKER)',
    );
    // A port nothing listens on: the one a closed server had.
    const gone = Fastify();
    const goneUrl = await gone.listen({ port: 0, host: '127.0.0.1' });
    await gone.close();
    const down = await cli(['orgs', 'list', '--broker', goneUrl], { token: demo.broker.token });
    expect(down.code).toBe(1);
    expect(down.err).toBe(`samenzicht: cannot reach the broker at ${goneUrl}: ECONNREFUSED\n`);
  });

  it('--as is gone', async () => {
    const r = await cli(
      b('releases', 'approve', 'rel-cli', '--as', 'chair@board.demo.samenzicht.nl'),
      { token: demo.board[0]!.token },
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--as'");
  });

  it('approves and publishes through the airlock; the audit names each token owner', async () => {
    const [chair, member1, member2] = demo.board;
    const fiu = demo.providers.fiu!;
    const gemeenten = demo.providers.gemeenten!;
    expect(ok(await cli(b('releases', 'list'), { token: chair!.token }))).toBe(
      'rel-cli  candidate  indicators 1  board 0/2  fiu:pending gemeenten:pending\n',
    );
    expect(ok(await cli(b('releases', 'show', 'rel-cli'), { token: fiu.token }))).toContain(
      `\ndigest: ${digest}\n`,
    );
    expect(ok(await cli(b('releases', 'approve', 'rel-cli'), { token: fiu.token }))).toBe(
      `rel-cli  digest ${digest}\nrel-cli  candidate  indicators 1  board 0/2  fiu:approved gemeenten:pending\n`,
    );
    // A token file works as SAMENZICHT_TOKEN does.
    const gemeentenFile = join(dir, 'gemeenten.token');
    writeFileSync(gemeentenFile, `${gemeenten.token}\n`, { mode: 0o600 });
    expect(
      ok(
        await cli(
          b('releases', 'approve', 'rel-cli', '--reason', 'ok', '--token-file', gemeentenFile),
        ),
      ),
    ).toMatch(/fiu:approved gemeenten:approved\n$/);

    expect(
      refused(await cli(b('releases', 'publish', 'rel-cli'), { token: demo.broker.token })),
    ).toBe('samenzicht: release rel-cli is not approved: providers pending none; board 0/2');
    // The broker may read the release (its digest is printed) but not review it.
    const byBroker = await cli(b('releases', 'approve', 'rel-cli'), { token: demo.broker.token });
    expect(byBroker.code).toBe(2);
    expect(byBroker.err).toMatch(
      /needs role provider or board; analyst@broker\.demo\.samenzicht\.nl has broker\n$/,
    );
    expect((await cli(b('releases', 'reject', 'rel-cli'), { token: chair!.token })).err).toMatch(
      /required option '--reason <TEXT>' not specified/,
    );
    // The approval signs the digest: a reviewer who checked other content is refused.
    const wrong = await cli(b('releases', 'approve', 'rel-cli', '--digest', 'e'.repeat(64)), {
      token: chair!.token,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      `chair@board.demo.samenzicht.nl approved other content: the review signs digest eeeeeeeeeeee, but release rel-cli has digest ${digest.slice(0, 12)}`,
    );
    expect(
      ok(
        await cli(b('releases', 'approve', 'rel-cli', '--digest', digest), { token: chair!.token }),
      ),
    ).toBe(
      `rel-cli  digest ${digest}\nrel-cli  candidate  indicators 1  board 1/2  fiu:approved gemeenten:approved\n`,
    );
    expect(ok(await cli(b('releases', 'approve', 'rel-cli'), { token: member1!.token }))).toBe(
      `rel-cli  digest ${digest}\nrel-cli  candidate  indicators 1  board 2/2  fiu:approved gemeenten:approved\n`,
    );

    // The operator's local check of the files; a changed file blocks publication.
    expect(ok(await cli(['releases', 'verify', 'rel-cli', '--data', dir]))).toBe(
      `rel-cli  files match digest ${digest}\n`,
    );
    const parquet = join(dir, 'releases', 'rel-cli', 'cells.parquet');
    const original = readFileSync(parquet);
    writeFileSync(parquet, 'PAR1 other content PAR1');
    const mismatch = await cli(['releases', 'verify', 'rel-cli', '--data', dir]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).toMatch(
      /^rel-cli {2}files DO NOT MATCH: releases\/rel-cli\/ has digest [0-9a-f]{12}, the recorded \(and approved\) one is [0-9a-f]{12} \(cells\.parquet changed \(sha256 [0-9a-f]{12}, was [0-9a-f]{12}\)\)\n$/,
    );
    expect(
      refused(await cli(b('releases', 'publish', 'rel-cli'), { token: demo.broker.token })),
    ).toMatch(
      /^samenzicht: release rel-cli cannot be published: its files are not the approved content/,
    );
    writeFileSync(parquet, original);
    expect(
      ok(await cli(b('releases', 'publish', 'rel-cli'), { token: demo.broker.token })),
    ).toMatch(/^rel-cli {2}published /);
    expect(
      ok(
        await cli(b('releases', 'withdraw', 'rel-cli', '--reason', 'typo in title'), {
          token: member2!.token,
        }),
      ),
    ).toMatch(/^rel-cli {2}withdrawn \(withdrawn: typo in title\) /);

    const actors = async (action: string) =>
      (await auditEntries(action)).filter((e) => e.subject === 'rel-cli').map((e) => e.actor);
    expect(await actors('approval')).toEqual([fiu.id, gemeenten.id, chair!.id, member1!.id]);
    expect(await actors('publication')).toEqual([demo.broker.id]);
    expect(await actors('withdrawal')).toEqual([member2!.id]);
  });

  it('login writes a 0600 token file that later commands use; a wrong password is refused', async () => {
    const email = 'secretaris@board.demo.samenzicht.nl';
    const password = 'correct horse battery';
    expect(
      ok(
        await cli(
          b(
            'users',
            'create',
            '--email',
            email,
            '--name',
            'Secretaris',
            '--org',
            'board',
            '--password-stdin',
          ),
          { token: demo.broker.token, stdin: `${password}\n` },
        ),
      ),
    ).toBe(`${email}  Secretaris  organisations board  roles board\n`);

    const file = join(dir, 'secretaris.token');
    const wrong = await cli(
      b('login', '--email', email, '--token-file', file, '--password-stdin'),
      {
        stdin: 'nope\n',
      },
    );
    expect(refused(wrong)).toBe(
      `samenzicht: login refused by ${url}: unknown email or wrong password`,
    );
    expect(existsSync(file)).toBe(false);
    expect(refused(await cli(b('login', '--email', email, '--token-file', file)))).toBe(
      'samenzicht: give the password on stdin with --password-stdin, or set SAMENZICHT_PASSWORD (never as an argument)',
    );
    expect(
      (await cli(b('login', '--email', email, '--token-file', file, '--password', password))).err,
    ).toContain("unknown option '--password'");

    const login = ok(
      await cli(b('login', '--email', email, '--token-file', file), {
        env: { SAMENZICHT_PASSWORD: password },
      }),
    );
    expect(login).toBe(
      `logged in at ${url} as ${email}  Secretaris  organisations board  roles board  via api-token\ntoken written to ${file} (mode 0600); pass --token-file ${file}\n`,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readFileSync(file, 'utf8');
    expect(first).toMatch(/^sza_\S+\n$/);
    expect(ok(await cli(b('whoami', '--token-file', file)))).toMatch(new RegExp(`^${email} `));
    expect(ok(await cli(b('releases', 'list', '--token-file', file)))).toMatch(
      /^rel-cli {2}withdrawn/,
    );
    // The token is the user's own, labelled for this machine.
    const me = JSON.parse(ok(await cli(b('whoami', '--json', '--token-file', file)))) as {
      id: string;
    };
    expect(
      (await auditEntries('token.create')).filter((e) => e.actor === me.id).map((e) => e.details),
    ).toEqual([
      {
        label: `cli ${hostname()}`,
        id: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        expiresAt: expect.any(String) as string,
      },
    ]);

    // An existing token file is kept unless --force; --force replaces it, still 0600.
    expect(
      refused(
        await cli(b('login', '--email', email, '--token-file', file), {
          env: { SAMENZICHT_PASSWORD: password },
        }),
      ),
    ).toBe(`samenzicht: ${file} exists; pass --force to replace the token in it`);
    writeFileSync(file, first, { mode: 0o644 });
    ok(
      await cli(b('login', '--email', email, '--token-file', file, '--force', '--password-stdin'), {
        stdin: password,
      }),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toBe(first);

    // A token made with `tokens create` is printed once and works.
    const made = await cli(b('tokens', 'create', '--label', 'ci nightly', '--token-file', file));
    expect(made.code).toBe(0);
    expect(made.err).toMatch(
      /^token 'ci nightly' created \(id [0-9a-f]{16}, expires \S+\); it is not shown again\n$/,
    );
    expect(ok(await cli(b('whoami'), { token: made.out.trim() }))).toMatch(
      new RegExp(`^${email} `),
    );
  });

  it('organisations, agreements and contributions over the API', async () => {
    const broker = { token: demo.broker.token };
    expect(
      ok(
        await cli(
          b(
            'orgs',
            'create',
            '--id',
            'waterschap',
            '--name',
            'Waterschap',
            '--role',
            'provider',
            '--provider-ids',
            'kadaster',
          ),
          broker,
        ),
      ),
    ).toBe('waterschap  provider  Waterschap  [kadaster]\n');
    expect(
      refused(
        await cli(b('orgs', 'create', '--id', 'x', '--name', 'X', '--role', 'provider'), {
          token: demo.board[0]!.token,
        }),
      ),
    ).toBe(
      'samenzicht: POST /organisations needs role broker; chair@board.demo.samenzicht.nl has board',
    );
    expect(
      refused(await cli(b('orgs', 'create', '--id', 'x', '--name', 'X', '--role', 'king'), broker)),
    ).toBe("samenzicht: --role 'king' must be one of provider, broker, board, consumer");

    const file = join(dir, 'agreement.json');
    writeFileSync(
      file,
      JSON.stringify(
        agreementDraft({
          id: 'convenant-kadaster',
          title: 'Kadaster',
          purpose: 'Vastgoed',
          legalBasis: 'Test',
          parties: ['kadaster', 'broker'],
          datasets: ['kadaster_woningen'],
          themes: ['vastgoed'],
          validDays: 1,
        }),
      ),
    );
    expect(ok(await cli(b('agreements', 'create', '--file', file), broker))).toMatch(
      /^convenant-kadaster {2}draft .* signed 0\/2 {2}datasets 1 {2}themes vastgoed\n$/,
    );
    expect(ok(await cli(b('agreements', 'propose', 'convenant-kadaster'), broker))).toMatch(
      /^convenant-kadaster {2}proposed /,
    );
    const kadaster = { token: demo.providers.kadaster!.token };
    expect(ok(await cli(b('agreements', 'sign', 'convenant-kadaster'), kadaster))).toMatch(
      /signed 1\/2/,
    );
    expect(
      ok(await cli(b('agreements', 'sign', 'convenant-kadaster', '--org', 'broker'), broker)),
    ).toMatch(/^convenant-kadaster {2}active .* signed 2\/2/);
    const shown = ok(await cli(b('agreements', 'show', 'convenant-kadaster'), kadaster));
    expect(shown).toContain('\npurpose: Vastgoed\n');
    expect(shown).toMatch(/\n {2}kadaster {2}signed \S+ by /);
    expect(
      ok(await cli(b('agreements', 'revoke', 'convenant-kadaster', '--reason', 'ended'), kadaster)),
    ).toMatch(/^convenant-kadaster {2}revoked /);
    expect(ok(await cli(b('contributions', 'list'), kadaster))).toBe('');
    expect(refused(await cli(b('contributions', 'list'), { token: demo.consumer.token }))).toMatch(
      /GET \/contributions needs role provider or broker or board/,
    );
    expect(
      refused(await cli(b('agreements', 'create', '--file', join(dir, 'none.json')), broker)),
    ).toBe(`samenzicht: cannot read ${join(dir, 'none.json')}: ENOENT`);
  });

  it('audit verify over the API and locally; both name the first broken entry after tampering', async () => {
    const board = { token: demo.board[0]!.token };
    expect(ok(await cli(b('audit', 'verify'), board))).toMatch(
      /^audit trail intact: \d+ entries, head [0-9a-f]{64}\n$/,
    );
    expect(ok(await cli(['audit', 'verify', '--data', dir]))).toMatch(/^audit trail intact: /);
    expect(refused(await cli(b('audit', 'verify'), { token: demo.providers.fiu!.token }))).toMatch(
      /GET \/audit\/verify needs role broker or board; steward@fiu\.demo\.samenzicht\.nl has provider$/,
    );
    expect(refused(await cli(b('audit', 'verify', '--data', dir), board))).toBe(
      'samenzicht: give --broker (ask the broker) or --data (check locally), not both',
    );

    const store = await openStore({ dataDir: dir });
    await sql`DROP TRIGGER audit_log_no_update`.execute(store.db);
    await sql`UPDATE audit_log SET actor = 'mallory' WHERE seq = 5`.execute(store.db);
    await store.close();
    const broken =
      /^audit trail BROKEN at entry 5 of \d+: entry 5: content does not match its hash \(entry edited\)\n$/;
    const remote = await cli(['audit', 'verify'], { ...board, env: { SAMENZICHT_BROKER: url } });
    expect([remote.code, remote.out]).toEqual([1, expect.stringMatching(broken)]);
    const local = await cli(['audit', 'verify', '--data', dir]);
    expect([local.code, local.out]).toEqual([1, expect.stringMatching(broken)]);
  });

  it('refuses a data directory without a state database', async () => {
    expect(refused(await cli(['audit', 'verify', '--data', join(dir, 'nope')]))).toBe(
      `samenzicht: no state database at ${join(dir, 'nope', 'state.sqlite')} (run the demo first, or pass --data DIR)`,
    );
  });
});

describe('samenzicht tokens', () => {
  const asUser = (args: string[], token: string) => cli(b(...args), { token });

  it('create (with --expires-in-days), list and revoke by id', async () => {
    const me = demo.board[0]!.token;
    const created = await asUser(
      ['tokens', 'create', '--label', 'nightly', '--expires-in-days', '30', '--json'],
      me,
    );
    expect(created.code).toBe(0);
    const t = JSON.parse(created.out) as { token: string; id: string; expiresAt: string };
    expect(t.id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeLessThan(30.1 * 86_400_000);

    const listed = await asUser(['tokens', 'list'], me);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines).toHaveLength(2); // the demo token and the new one
    expect(lines.find((l) => l.startsWith(`${t.id}  api  nightly  created `))).toContain(
      `expires ${t.expiresAt}`,
    );
    expect(lines.find((l) => l.includes('  demo  '))).toMatch(/ \(this token\)$/);
    expect(listed.out).not.toContain(t.token);

    const bad = await asUser(['tokens', 'create', '--label', 'x', '--expires-in-days', '366'], me);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--expires-in-days 366: a whole number from 1 to 365');

    const revoked = await asUser(['tokens', 'revoke', t.id], me);
    expect(revoked).toMatchObject({ code: 0, out: `token ${t.id} revoked\n` });
    const refused = await asUser(['whoami'], t.token);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('unknown, expired or revoked token');
    const again = await asUser(['tokens', 'revoke', t.id], me);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`you have no valid token with id ${t.id}`);
  });
});
