/**
 * What every command that talks to a broker shares: the options `--broker URL`, `--token-file
 * FILE` and `--json` (with SAMENZICHT_BROKER / SAMENZICHT_TOKEN as fallbacks), the connection,
 * and how the broker's refusals are printed: one line, naming what to do next.
 */
import type { Command } from 'commander';
import {
  BROKER_ENV,
  BrokerClient,
  BrokerError,
  TOKEN_ENV,
  clientFrom,
  type RequestOptions,
} from '../../client/http.js';
import { UsageError } from '../errors.js';

export interface BrokerCliOptions {
  broker?: string;
  tokenFile?: string;
  json?: boolean;
}

/** Adds the broker options to a command. */
export function brokerOptions(c: Command): Command {
  return c
    .option('--broker <URL>', `the broker, e.g. https://broker.example.nl (or set ${BROKER_ENV})`)
    .option(
      '--token-file <FILE>',
      `a file holding your API token, as \`samenzicht login\` writes it (or set ${TOKEN_ENV})`,
    )
    .option('--json', 'print JSON');
}

export const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/** A hint that names the broker, so the user can paste it. */
const loginHint = (baseUrl: string): string =>
  `log in with \`samenzicht login --broker ${baseUrl} --email EMAIL --token-file FILE\``;

/**
 * A broker's answer as the CLI prints it. Refusals (4xx) are the caller's to fix: a UsageError
 * (exit 2); an unreachable or failing broker is an error of its own (exit 1).
 */
export function cliError(err: unknown, baseUrl: string): unknown {
  if (!(err instanceof BrokerError)) return err;
  if (err.status === 401)
    return new UsageError(`not logged in at ${baseUrl} (${err.message}); ${loginHint(baseUrl)}`);
  if (err.status >= 400 && err.status < 500) return new UsageError(err.message);
  if (err.status === 0) return new Error(err.message);
  const status = `HTTP ${err.status}`;
  const detail = err.message.endsWith(status) ? err.message : `${err.message} (${status})`;
  return new Error(`the broker at ${baseUrl} failed: ${detail}`);
}

/** The logged-in client of the options; a missing broker or token is a usage mistake. */
export function connect(o: BrokerCliOptions): BrokerClient {
  try {
    return clientFrom(o);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs `fn` with the logged-in client; the broker's refusals become one-line messages. */
export async function withBroker<T>(
  o: BrokerCliOptions,
  fn: (client: BrokerClient) => Promise<T>,
): Promise<T> {
  const client = connect(o);
  try {
    return await fn(client);
  } catch (err) {
    throw cliError(err, client.baseUrl);
  }
}

/** `encodeURIComponent` for ids in paths: an id with a slash stays one path segment. */
export const seg = encodeURIComponent;

/**
 * GETs a list from the broker (the array under `key` of its answer) and prints it: as JSON with
 * `--json`, else one line per item.
 */
export async function printBrokerList<T>(
  o: BrokerCliOptions,
  path: string,
  key: string,
  line: (item: T) => string,
  query?: RequestOptions['query'],
): Promise<void> {
  const body = await withBroker(o, (c) => c.get<Record<string, T[]>>(path, query));
  const items = body[key]!;
  if (o.json) return print(JSON.stringify(items));
  for (const item of items) print(line(item));
}
