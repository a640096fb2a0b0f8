/**
 * Governance commands: `audit verify`, `orgs list`, `agreements list` and the airlock
 * (`releases list|verify|approve|reject|publish|withdraw`). They work on the state database of a
 * data directory (or DATABASE_URL) and its `releases/` folder, and act as the user named by
 * `--as`, with that user's rights. `releases approve` fetches the release, prints its digest and
 * signs that digest (or the one given with `--digest`) with the approval.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Governance, GovernanceError, type Release } from '../../governance/index.js';
import { openStore, type Store } from '../../store/index.js';
import { UsageError } from '../errors.js';

const DEFAULT_DATA_DIR = 'data';

interface DataOptions {
  data: string;
  json?: boolean;
}

async function withGovernance<T>(o: DataOptions, fn: (gov: Governance) => Promise<T>): Promise<T> {
  const dataDir = resolve(o.data);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !existsSync(join(dataDir, 'state.sqlite'))) {
    throw new UsageError(
      `no state database at ${join(dataDir, 'state.sqlite')} (run the demo first, or pass --data DIR)`,
    );
  }
  let store: Store;
  try {
    store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  } catch (err) {
    throw new Error(`cannot open the state database: ${(err as Error).message}`);
  }
  try {
    return await fn(new Governance(store));
  } catch (err) {
    // Governance refusals are the user's mistake or a rule; print them as one line.
    if (err instanceof GovernanceError) throw new UsageError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function actorId(gov: Governance, email: string | undefined): Promise<string> {
  if (!email) throw new UsageError('say who acts: --as EMAIL');
  const user = await gov.findUserByEmail(email);
  if (!user) throw new UsageError(`--as ${email}: no such user`);
  return user.id;
}

function releaseLine(r: Release): string {
  const providers = Object.entries(r.approval.providers)
    .map(([p, s]) => `${p}:${s}`)
    .join(' ');
  const extra = r.state === 'withdrawn' ? ` (withdrawn: ${r.withdrawReason ?? ''})` : '';
  return `${r.id}  ${r.state}${extra}  indicators ${r.indicators.length}  board ${r.approval.board.approvals}/${r.approval.board.required}  ${providers}`;
}

export function register(program: Command): void {
  const dataOption = (c: Command) =>
    c
      .option(
        '--data <DIR>',
        'data directory with state.sqlite (ignored when DATABASE_URL is set)',
        DEFAULT_DATA_DIR,
      )
      .option('--json', 'print JSON');

  const audit = program.command('audit').description('the hash-chained audit trail');
  dataOption(
    audit
      .command('verify')
      .description('check every entry of the audit trail; exit 1 when the chain is broken'),
  ).action(async (o: DataOptions) => {
    const v = await withGovernance(o, (gov) => gov.verifyAuditTrail());
    if (o.json) print(JSON.stringify(v));
    else if (v.ok) print(`audit trail intact: ${v.entries} entries, head ${v.head}`);
    else print(`audit trail BROKEN at entry ${v.firstBroken} of ${v.entries}: ${v.reason}`);
    if (!v.ok) process.exitCode = 1;
  });

  const orgs = program.command('orgs').description('organisations and their roles');
  dataOption(orgs.command('list').description('list organisations')).action(
    async (o: DataOptions) => {
      const list = await withGovernance(o, (gov) => gov.listOrganisations());
      if (o.json) return print(JSON.stringify(list));
      for (const x of list)
        print(
          `${x.id}  ${x.role}  ${x.name}${x.providerIds.length ? `  [${x.providerIds.join(', ')}]` : ''}`,
        );
    },
  );

  const agreements = program.command('agreements').description('agreements (convenanten)');
  dataOption(agreements.command('list').description('list agreements with their status')).action(
    async (o: DataOptions) => {
      const list = await withGovernance(o, (gov) => gov.listAgreements());
      if (o.json) return print(JSON.stringify(list));
      for (const a of list) {
        const signed = a.parties.filter((p) => p.signedAt).length;
        print(
          `${a.id}  ${a.status}  ${a.validFrom.slice(0, 10)}..${a.validUntil.slice(0, 10)}  signed ${signed}/${a.parties.length}  datasets ${a.datasets.length}  themes ${a.themes.join(',')}`,
        );
      }
    },
  );

  const releases = program
    .command('releases')
    .description('the airlock: candidate and published releases');
  dataOption(releases.command('list').description('list releases with their approvals')).action(
    async (o: DataOptions) => {
      const list = await withGovernance(o, (gov) => gov.listReleases());
      if (o.json) return print(JSON.stringify(list));
      for (const r of list) print(releaseLine(r));
    },
  );

  dataOption(
    releases
      .command('verify <id>')
      .description(
        'recompute the digest of releases/<id>/ and compare it with the recorded one; exit 1 when they differ',
      ),
  ).action(async (id: string, o: DataOptions) => {
    const v = await withGovernance(o, (gov) => gov.verifyReleaseFiles(id));
    if (o.json) print(JSON.stringify(v));
    else if (v.ok) print(`${id}  files match digest ${v.digest}`);
    else print(`${id}  files DO NOT MATCH: ${v.reason}`);
    if (!v.ok) process.exitCode = 1;
  });

  type ActOptions = DataOptions & {
    as?: string;
    reason?: string;
    capacity?: string;
    digest?: string;
  };
  const act = (
    name: string,
    description: string,
    needsReason: boolean,
    fn: (gov: Governance, actor: string, id: string, o: ActOptions) => Promise<Release>,
  ) => {
    const c = releases
      .command(`${name} <id>`)
      .description(description)
      .requiredOption('--as <EMAIL>', 'the user who acts (their roles apply)');
    if (needsReason) c.requiredOption('--reason <TEXT>', 'why (recorded in the audit trail)');
    else c.option('--reason <TEXT>', 'a note (recorded in the audit trail)');
    if (name === 'approve' || name === 'reject') {
      c.option('--capacity <ORG|board>', "review as 'board' or for this provider organisation");
      c.option(
        '--digest <SHA256>',
        name === 'approve'
          ? 'the digest you checked (default: the recorded one, printed before approving)'
          : 'the digest you looked at (optional for a rejection)',
      );
    }
    dataOption(c).action(async (id: string, o: ActOptions) => {
      const r = await withGovernance(o, async (gov) => fn(gov, await actorId(gov, o.as), id, o));
      print(o.json ? JSON.stringify(r) : releaseLine(r));
    });
  };
  const review =
    (decision: 'approve' | 'reject') =>
    async (gov: Governance, actor: string, id: string, o: ActOptions) => {
      let digest = o.digest;
      if (decision === 'approve') {
        // The approval signs the content: fetch the release and show what is being signed.
        const release = await gov.getRelease(id, actor);
        if (!release.digest)
          throw new UsageError(`release ${id} has no recorded digest; it cannot be approved`);
        digest ??= release.digest;
        const line = `${id}  digest ${release.digest}${digest.toLowerCase() === release.digest ? '' : `  (you give ${digest})`}`;
        if (o.json) process.stderr.write(`${line}\n`);
        else print(line);
      }
      return gov.review(actor, id, {
        decision,
        ...(o.reason !== undefined ? { reason: o.reason } : {}),
        ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
        ...(digest !== undefined ? { digest } : {}),
      });
    };
  act('approve', 'approve a candidate release', false, review('approve'));
  act('reject', 'reject a candidate release', true, review('reject'));
  act('publish', 'publish an approved candidate', false, (gov, actor, id) =>
    gov.publish(actor, id),
  );
  act('withdraw', 'withdraw a published release', true, (gov, actor, id, o) =>
    gov.withdraw(actor, id, o.reason ?? ''),
  );
}
