/**
 * Governance from the command line, as an authenticated client of the broker's HTTP API: every
 * action goes over the same routes as the dashboard with the token of a real user (`samenzicht
 * login` writes one), so that user's roles apply and the audit trail names them. No command acts
 * "as" someone else.
 *
 * Here: `orgs`, `users`, `agreements`, `contributions` and `audit verify`; `login`, `whoami` and
 * `tokens` are in login.ts, `releases` (the airlock) in airlock.ts. Only the operator's checks
 * (`audit verify` without a broker, `releases verify`) read the state database directly.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Agreement, Organisation, User } from '../../governance/index.js';
import { ROLES } from '../../contracts/index.js';
import { BROKER_ENV } from '../../client/http.js';
import { UsageError } from '../errors.js';
import { registerAirlock } from './airlock.js';
import { brokerOptions, print, printBrokerList, seg, withBroker } from './broker-client-options.js';
import type { BrokerCliOptions } from './broker-client-options.js';
import {
  agreementLine,
  agreementText,
  contributionLine,
  orgLine,
  userLine,
} from './governance-lines.js';
import { DEFAULT_DATA_DIR, withLocalState } from './local-state.js';
import { registerLogin } from './login.js';
import { readPassword } from './password.js';
import { describeFor, finerRule, whoMay } from './policy-help.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface AuditVerification {
  ok: boolean;
  entries: number;
  head?: string;
  firstBroken?: number;
  reason?: string;
}

function registerOrgs(program: Command): void {
  const orgs = program.command('orgs').description('organisations and their roles');
  brokerOptions(orgs.command('list').description('list organisations')).action(
    (o: BrokerCliOptions) => printBrokerList(o, '/organisations', 'organisations', orgLine),
  );
  brokerOptions(
    orgs
      .command('create')
      .description(describeFor('register an organisation', 'organisation.create'))
      .requiredOption('--id <ID>', 'lower-case id, e.g. gemeente-utrecht')
      .requiredOption('--name <NAME>', 'display name')
      .requiredOption('--role <ROLE>', `one of ${ROLES.join(', ')}`)
      .option(
        '--provider-ids <a,b>',
        'the providers (data sources) a provider organisation is',
        list,
      ),
  ).action(
    async (
      o: BrokerCliOptions & { id: string; name: string; role: string; providerIds?: string[] },
    ) => {
      if (!(ROLES as readonly string[]).includes(o.role))
        throw new UsageError(`--role '${o.role}' must be one of ${ROLES.join(', ')}`);
      const org = await withBroker(o, (c) =>
        c.post<Organisation>('/organisations', {
          id: o.id,
          name: o.name,
          role: o.role,
          ...(o.providerIds ? { providerIds: o.providerIds } : {}),
        }),
      );
      print(o.json ? JSON.stringify(org) : orgLine(org));
    },
  );
}

function registerUsers(program: Command): void {
  const users = program.command('users').description('users and their organisations');
  brokerOptions(users.command('list').description(describeFor('list users', 'user.list'))).action(
    (o: BrokerCliOptions) => printBrokerList(o, '/users', 'users', userLine),
  );
  brokerOptions(
    users
      .command('create')
      .description(
        describeFor('create a user with a local password and/or an OIDC identity', 'user.create'),
      )
      .requiredOption('--email <EMAIL>', 'the login')
      .requiredOption('--name <NAME>', 'display name')
      .requiredOption(
        '--org <ORG>',
        'an organisation the user belongs to (repeat for more)',
        collect,
      )
      .option('--password-stdin', 'read a local password (8+ characters) from stdin')
      .option('--oidc-issuer <URL>', 'OIDC issuer of the identity (with --oidc-subject)')
      .option('--oidc-subject <SUB>', 'OIDC subject of the identity'),
  ).action(
    async (
      o: BrokerCliOptions & {
        email: string;
        name: string;
        org: string[];
        passwordStdin?: boolean;
        oidcIssuer?: string;
        oidcSubject?: string;
      },
    ) => {
      if ((o.oidcIssuer === undefined) !== (o.oidcSubject === undefined))
        throw new UsageError('give --oidc-issuer and --oidc-subject together');
      // Only stdin: SAMENZICHT_PASSWORD is the caller's own password for `login`.
      const password = await readPassword(o.passwordStdin, false, {});
      const user = await withBroker(o, (c) =>
        c.post<User>('/users', {
          email: o.email,
          name: o.name,
          organisations: o.org,
          ...(password !== undefined ? { password } : {}),
          ...(o.oidcIssuer !== undefined
            ? { oidcIssuer: o.oidcIssuer, oidcSubject: o.oidcSubject }
            : {}),
        }),
      );
      print(o.json ? JSON.stringify(user) : userLine(user));
    },
  );
}

function readAgreementFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function registerAgreements(program: Command): void {
  const agreements = program.command('agreements').description('agreements (convenanten)');
  brokerOptions(agreements.command('list').description('list agreements with their status')).action(
    (o: BrokerCliOptions) => printBrokerList(o, '/agreements', 'agreements', agreementLine),
  );
  brokerOptions(agreements.command('show <id>').description('one agreement in full')).action(
    async (id: string, o: BrokerCliOptions) => {
      const a = await withBroker(o, (c) => c.get<Agreement>(`/agreements/${seg(id)}`));
      print(o.json ? JSON.stringify(a) : agreementText(a));
    },
  );
  brokerOptions(
    agreements
      .command('create')
      .description(describeFor('draft an agreement from a JSON file', 'agreement.create'))
      .requiredOption(
        '--file <FILE>',
        'JSON: {id?, title, purpose, legalBasis, parties, datasets, themes, indicators?, validFrom, validUntil, retentionDays}',
      ),
  ).action(async (o: BrokerCliOptions & { file: string }) => {
    const body = readAgreementFile(o.file);
    const a = await withBroker(o, (c) => c.post<Agreement>('/agreements', body));
    print(o.json ? JSON.stringify(a) : agreementLine(a));
  });

  const step = (
    name: string,
    description: string,
    body: (o: BrokerCliOptions & { org?: string; reason?: string }) => unknown,
    configure: (c: Command) => Command = (c) => c,
  ) =>
    brokerOptions(configure(agreements.command(`${name} <id>`).description(description))).action(
      async (id: string, o: BrokerCliOptions & { org?: string; reason?: string }) => {
        const a = await withBroker(o, (c) =>
          c.post<Agreement>(`/agreements/${seg(id)}/${name}`, body(o)),
        );
        print(o.json ? JSON.stringify(a) : agreementLine(a));
      },
    );
  step('propose', describeFor('propose a draft for signature', 'agreement.propose'), () => ({}));
  step(
    'sign',
    'sign for your organisation',
    (o) => (o.org !== undefined ? { organisation: o.org } : {}),
    (c) => c.option('--org <ORG>', 'the organisation you sign for, when you belong to several'),
  );
  step(
    'revoke',
    'revoke an agreement (its contributions are purged after the retention period)',
    (o) => ({ reason: o.reason }),
    (c) => c.requiredOption('--reason <TEXT>', 'why (recorded in the audit trail)'),
  );
}

function registerContributions(program: Command): void {
  const contributions = program
    .command('contributions')
    .description(`delivered contributions (${finerRule('contribution.list')})`);
  brokerOptions(contributions.command('list').description('list contributions')).action(
    (o: BrokerCliOptions) =>
      printBrokerList(o, '/contributions', 'contributions', contributionLine),
  );
}

function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail');
  brokerOptions(
    audit
      .command('verify')
      .description(
        `check every entry of the audit trail; exit 1 when the chain is broken. With --broker (or ${BROKER_ENV}) the broker checks it (${whoMay('audit.read')}); without, the state database of --data is read on this host`,
      )
      .option(
        '--data <DIR>',
        'local mode: data directory with state.sqlite (ignored when DATABASE_URL is set)',
      ),
  ).action(async (o: BrokerCliOptions & { data?: string }) => {
    if (o.data !== undefined && o.broker !== undefined)
      throw new UsageError('give --broker (ask the broker) or --data (check locally), not both');
    // An explicit --data wins over the environment's broker: the operator asked for the file.
    const remote = o.broker !== undefined || (o.data === undefined && !!process.env[BROKER_ENV]);
    const v = remote
      ? await withBroker(o, (c) => c.get<AuditVerification>('/audit/verify'))
      : await withLocalState(o.data ?? DEFAULT_DATA_DIR, (gov) => gov.verifyAuditTrail());
    if (o.json) print(JSON.stringify(v));
    else if (v.ok) print(`audit trail intact: ${v.entries} entries, head ${v.head}`);
    else print(`audit trail BROKEN at entry ${v.firstBroken} of ${v.entries}: ${v.reason}`);
    if (!v.ok) process.exitCode = 1;
  });
}

export function register(program: Command): void {
  registerLogin(program);
  registerOrgs(program);
  registerUsers(program);
  registerAgreements(program);
  registerContributions(program);
  registerAirlock(program);
  registerAudit(program);
}
