/**
 * The airlock from the command line: `releases list|show|approve|reject|publish|withdraw` act
 * over the broker's API with your token (your roles and the airlock rules apply, and the audit
 * trail names you). `releases approve` fetches the release, prints its digest and signs that
 * digest (or the one given with `--digest`). `releases verify` is the operator's local check of
 * the files on the broker's host.
 */
import type { Command } from 'commander';
import type { BrokerClient } from '../../client/http.js';
import type { Release } from '../../governance/index.js';
import { UsageError } from '../errors.js';
import { brokerOptions, print, printBrokerList, seg, withBroker } from './broker-client-options.js';
import type { BrokerCliOptions } from './broker-client-options.js';
import { RELEASE_STATES } from '../../contracts/index.js';
import { releaseLine, releaseText } from './governance-lines.js';
import { DEFAULT_DATA_DIR, withLocalState } from './local-state.js';

const STATES = RELEASE_STATES;

type ActOptions = BrokerCliOptions & { reason?: string; capacity?: string; digest?: string };

const getRelease = (c: BrokerClient, id: string) => c.get<Release>(`/airlock/releases/${seg(id)}`);

async function review(
  c: BrokerClient,
  id: string,
  decision: 'approve' | 'reject',
  o: ActOptions,
): Promise<Release> {
  let digest = o.digest;
  if (decision === 'approve') {
    // The approval signs the content: fetch the release and show what is being signed.
    const release = await getRelease(c, id);
    if (!release.digest)
      throw new UsageError(`release ${id} has no recorded digest; it cannot be approved`);
    digest ??= release.digest;
    const line = `${id}  digest ${release.digest}${digest.toLowerCase() === release.digest ? '' : `  (you give ${digest})`}`;
    if (o.json) process.stderr.write(`${line}\n`);
    else print(line);
  }
  return c.post<Release>(`/airlock/releases/${seg(id)}/reviews`, {
    decision,
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
    ...(digest !== undefined ? { digest } : {}),
  });
}

export function registerAirlock(program: Command): void {
  const releases = program
    .command('releases')
    .description('the airlock: candidate and published releases');

  brokerOptions(
    releases
      .command('list')
      .description('list releases with their approvals')
      .option('--state <STATE>', `only releases in this state (${STATES.join(', ')})`),
  ).action(async (o: BrokerCliOptions & { state?: string }) => {
    if (o.state !== undefined && !(STATES as readonly string[]).includes(o.state))
      throw new UsageError(`--state '${o.state}' must be one of ${STATES.join(', ')}`);
    await printBrokerList(o, '/airlock/releases', 'releases', releaseLine, { state: o.state });
  });

  brokerOptions(
    releases
      .command('show <id>')
      .description('one release: digest, inputs and reviews (reading a candidate is logged)'),
  ).action(async (id: string, o: BrokerCliOptions) => {
    const r = await withBroker(o, (c) => getRelease(c, id));
    print(o.json ? JSON.stringify(r) : releaseText(r));
  });

  releases
    .command('verify <id>')
    .description(
      'on the broker host: recompute the digest of releases/<id>/ and compare it with the recorded one; exit 1 when they differ',
    )
    .option(
      '--data <DIR>',
      'data directory with state.sqlite (ignored when DATABASE_URL is set)',
      DEFAULT_DATA_DIR,
    )
    .option('--json', 'print JSON')
    .action(async (id: string, o: { data: string; json?: boolean }) => {
      const v = await withLocalState(o.data, (gov) => gov.verifyReleaseFiles(id));
      if (o.json) print(JSON.stringify(v));
      else if (v.ok) print(`${id}  files match digest ${v.digest}`);
      else print(`${id}  files DO NOT MATCH: ${v.reason}`);
      if (!v.ok) process.exitCode = 1;
    });

  const act = (
    name: string,
    description: string,
    needsReason: boolean,
    fn: (c: BrokerClient, id: string, o: ActOptions) => Promise<Release>,
  ) => {
    const c = releases.command(`${name} <id>`).description(description);
    if (needsReason) c.requiredOption('--reason <TEXT>', 'why (recorded in the audit trail)');
    else if (name !== 'publish')
      c.option('--reason <TEXT>', 'a note (recorded in the audit trail)');
    if (name === 'approve' || name === 'reject') {
      c.option('--capacity <ORG|board>', "review as 'board' or for this provider organisation");
      c.option(
        '--digest <SHA256>',
        name === 'approve'
          ? 'the digest you checked (default: the recorded one, printed before approving)'
          : 'the digest you looked at (optional for a rejection)',
      );
    }
    brokerOptions(c).action(async (id: string, o: ActOptions) => {
      const r = await withBroker(o, (client) => fn(client, id, o));
      print(o.json ? JSON.stringify(r) : releaseLine(r));
    });
  };
  act('approve', 'approve a candidate release (signs its digest)', false, (c, id, o) =>
    review(c, id, 'approve', o),
  );
  act('reject', 'reject a candidate release', true, (c, id, o) => review(c, id, 'reject', o));
  act('publish', 'publish an approved candidate', false, (c, id) =>
    c.post<Release>(`/airlock/releases/${seg(id)}/publish`),
  );
  act('withdraw', 'withdraw a published release', true, (c, id, o) =>
    c.post<Release>(`/airlock/releases/${seg(id)}/withdraw`, { reason: o.reason }),
  );
}
