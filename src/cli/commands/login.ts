/**
 * `login`, `whoami` and `tokens create|list|revoke`: how a user gets the token every other governance
 * command sends. `login` exchanges a password for a short session, uses it to create a
 * long-lived API token labelled `cli <hostname>`, ends the session, and writes the token to a
 * file only its owner can read.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BrokerClient, BrokerError, CLI_HEADERS, brokerUrlFrom } from '../../client/http.js';
import type { Principal } from '../../governance/index.js';
import { UsageError } from '../errors.js';
import {
  brokerOptions,
  cliError,
  print,
  printBrokerList,
  seg,
  withBroker,
} from './broker-client-options.js';
import type { BrokerCliOptions } from './broker-client-options.js';
import { readPassword } from './password.js';

interface LoginOptions {
  broker?: string;
  email: string;
  passwordStdin?: boolean;
  tokenFile: string;
  force?: boolean;
  json?: boolean;
}

interface CreatedToken {
  token: string;
  id: string;
  label: string;
  expiresAt: string;
}

interface TokenLine {
  id: string;
  kind: 'api' | 'session';
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  current: boolean;
}

const tokenLine = (t: TokenLine): string =>
  [
    t.id,
    t.kind,
    t.label,
    `created ${t.createdAt}`,
    `expires ${t.expiresAt ?? 'never'}`,
    `last used ${t.lastUsedAt ?? 'never'}`,
    ...(t.current ? ['(this token)'] : []),
  ].join('  ');

const whoLine = (me: Principal): string =>
  `${me.email}  ${me.name}  organisations ${me.organisations.join(',') || '-'}  roles ${me.roles.join(',') || '-'}  via ${me.via}`;

/**
 * Writes the token with mode 0600. A new file is created exclusively (`wx`), so an existing one
 * is never overwritten without --force; with --force the token goes to a fresh 0600 file that is
 * renamed over the old one, since a mode given to open() only applies when a file is created.
 */
function writeTokenFile(file: string, token: string, force: boolean): void {
  const target = force ? `${file}.${process.pid}.tmp` : file;
  let fd: number;
  try {
    fd = openSync(target, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UsageError(`${file} exists; pass --force to replace the token in it`);
    throw new UsageError(`cannot write the token file ${file}: ${code ?? (err as Error).message}`);
  }
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  if (force) {
    try {
      renameSync(target, file);
    } catch (err) {
      rmSync(target, { force: true });
      throw new UsageError(
        `cannot replace the token file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
}

async function login(o: LoginOptions): Promise<void> {
  let baseUrl: string;
  try {
    baseUrl = brokerUrlFrom(o);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = resolve(o.tokenFile);
  // Before asking for the password: a refusal to overwrite should not cost a login.
  if (!o.force && existsSync(file))
    throw new UsageError(`${o.tokenFile} exists; pass --force to replace the token in it`);
  const password = await readPassword(o.passwordStdin, true);
  const anonymous = new BrokerClient({ baseUrl, headers: { ...CLI_HEADERS } });
  let me: Principal;
  let token: string;
  try {
    let session: { token: string };
    try {
      session = await anonymous.post<{ token: string }>('/auth/login', {
        email: o.email,
        password,
      });
    } catch (err) {
      if (err instanceof BrokerError && err.status === 401)
        throw new UsageError(`login refused by ${baseUrl}: ${err.message}`);
      throw err;
    }
    const asSession = anonymous.as(session.token);
    ({ token } = await asSession.post<{ token: string }>('/auth/tokens', {
      label: `cli ${hostname()}`,
    }));
    // The session was only the way to the API token; end it rather than leave it valid.
    await asSession.request('POST', '/auth/logout', { accept: [401] });
    me = await anonymous.as(token).get<Principal>('/auth/me');
  } catch (err) {
    throw cliError(err, baseUrl);
  }
  writeTokenFile(file, token, o.force ?? false);
  if (o.json) return print(JSON.stringify({ broker: baseUrl, tokenFile: file, user: me }));
  print(`logged in at ${baseUrl} as ${whoLine(me)}`);
  print(`token written to ${o.tokenFile} (mode 0600); pass --token-file ${o.tokenFile}`);
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('log in to a broker and write an API token for this machine to a file (mode 0600)')
    .option(
      '--broker <URL>',
      'the broker, e.g. https://broker.example.nl (or set SAMENZICHT_BROKER)',
    )
    .requiredOption('--email <EMAIL>', 'your account')
    .option(
      '--password-stdin',
      'read the password from stdin (a pipe, or typed without echo); else $SAMENZICHT_PASSWORD',
    )
    .requiredOption('--token-file <FILE>', 'where to write the token (refused if it exists)')
    .option('--force', 'replace the token file if it exists')
    .option('--json', 'print JSON')
    .action(login);

  brokerOptions(
    program.command('whoami').description('the user, organisations and roles of your token'),
  ).action(async (o: BrokerCliOptions) => {
    const me = await withBroker(o, (c) => c.get<Principal>('/auth/me'));
    print(o.json ? JSON.stringify(me) : `${whoLine(me)}`);
  });

  const tokens = program.command('tokens').description('your API tokens');
  brokerOptions(
    tokens
      .command('create')
      .description('create a new API token for yourself; it is printed once, store it now')
      .requiredOption('--label <TEXT>', 'what the token is for, e.g. "ci nightly"')
      .option('--expires-in-days <N>', 'days until it expires (1..365)', '90'),
  ).action(async (o: BrokerCliOptions & { label: string; expiresInDays: string }) => {
    const days = Number(o.expiresInDays);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new UsageError(`--expires-in-days ${o.expiresInDays}: a whole number from 1 to 365`);
    const t = await withBroker(o, (c) =>
      c.post<CreatedToken>('/auth/tokens', { label: o.label, expiresInDays: days }),
    );
    if (o.json) return print(JSON.stringify(t));
    // The token alone on stdout, so that `> FILE` keeps just it; the note goes to stderr.
    print(t.token);
    process.stderr.write(
      `token '${t.label}' created (id ${t.id}, expires ${t.expiresAt}); it is not shown again\n`,
    );
  });
  brokerOptions(
    tokens
      .command('list')
      .description('your tokens that still work: id, kind, label, created, expires, last used'),
  ).action((o: BrokerCliOptions) => printBrokerList(o, '/auth/tokens', 'tokens', tokenLine));
  brokerOptions(
    tokens
      .command('revoke')
      .description('revoke one of your tokens by its id (see `tokens list`)')
      .argument('<ID>', 'the token id'),
  ).action(async (id: string, o: BrokerCliOptions) => {
    await withBroker(o, (c) => c.request('DELETE', `/auth/tokens/${seg(id)}`));
    if (o.json) return print(JSON.stringify({ revoked: id }));
    print(`token ${id} revoked`);
  });
}
