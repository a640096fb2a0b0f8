/** Parsers for CLI option values: each mistake becomes one clear line (UsageError, exit 2). */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { MAX_SCALE, MIN_SCALE } from '../synth/params.js';
import { RegionsDirError, resolveRegionsDir } from '../regions/index.js';

/** The generator's own limits, so the CLI and `synthesise` can never disagree. */
export const SCALE_RANGE = { min: MIN_SCALE, max: MAX_SCALE } as const;

export function parseScale(text: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(text.trim()) || !Number.isFinite(value)) {
    throw new UsageError(
      `--scale '${text}' is not a number; use a fraction of the Netherlands from ${SCALE_RANGE.min} to ${SCALE_RANGE.max}`,
    );
  }
  if (value < SCALE_RANGE.min || value > SCALE_RANGE.max) {
    throw new UsageError(
      `--scale ${text} is out of range; use ${SCALE_RANGE.min} to ${SCALE_RANGE.max} (1 = 17.6 million residents)`,
    );
  }
  return value;
}

export function parseSeed(text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new UsageError(`--seed '${text}' must be a whole number from 0 to 999999999`);
  return Number(text);
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw new UsageError(`--port '${text}' must be a TCP port from 1 to 65535`);
  }
  return port;
}

/** `--host`: an IPv4 or IPv6 address to listen on; loopback (127.0.0.1) when not given. */
export function parseHost(text: string | undefined): string {
  if (text === undefined) return '127.0.0.1';
  if (isIP(text) === 0)
    throw new UsageError(
      `--host '${text}' must be an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
    );
  return text;
}

/** Fails fast, before a long run, when the port is taken. */
export async function assertPortFree(port: number, host = '0.0.0.0'): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} is already in use; choose another with --port`)
          : new UsageError(`cannot listen on port ${port}: ${err.message}`),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolvePromise()));
  });
}

/** An output directory that exists (created if needed) and is writable. */
export function writableDir(text: string, option = '--out'): string {
  const dir = resolve(text);
  try {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory())
        throw new UsageError(`${option} ${text} is a file, not a directory`);
    } else {
      let parent = dirname(dir);
      while (!existsSync(parent)) parent = dirname(parent);
      accessSync(parent, constants.W_OK);
      mkdirSync(dir, { recursive: true });
    }
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `${option} ${text} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return dir;
}

/**
 * The absolute base of the URLs the server writes: `--public-url`, else $SAMENZICHT_PUBLIC_URL,
 * else http://localhost:<port>. Never derived from a request's Host header.
 */
export function parsePublicUrl(text: string | undefined, port: number, tls = false): string {
  const raw =
    text ?? process.env.SAMENZICHT_PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--public-url: '${raw}' is not an absolute URL such as https://samenzicht.example.nl`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--public-url: '${raw}' must be http or https`);
  if (url.search || url.hash)
    throw new UsageError(`--public-url: '${raw}' must not have a query or fragment`);
  return url.toString().replace(/\/+$/, '');
}

/** The region directory of a `--regions` option (see resolveRegionsDir); a bad one is a usage error. */
export function parseRegionsOption(
  option: string | undefined,
): ReturnType<typeof resolveRegionsDir> {
  try {
    return resolveRegionsDir({ option });
  } catch (err) {
    if (err instanceof RegionsDirError) throw new UsageError(err.message);
    throw err;
  }
}
