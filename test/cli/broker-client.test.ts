import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  BrokerClient,
  BrokerError,
  brokerUrlFrom,
  clientFrom,
  readTokenFile,
} from '../../src/client/http.js';
import { cliError } from '../../src/cli/commands/broker-client-options.js';
import { UsageError } from '../../src/cli/errors.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('samenzicht-client-');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};
let app: FastifyInstance;
let base = '';

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.get('/api/v1/ok', async (req) => ({
    auth: req.headers.authorization ?? null,
    channel: req.headers['x-samenzicht-channel'] ?? null,
    q: req.query,
  }));
  app.post('/api/v1/echo', async (req) => ({ body: req.body }));
  app.get('/api/v1/forbidden', async (_req, reply) =>
    reply.code(403).send({ error: 'role-forbidden', message: 'GET /x needs role broker' }),
  );
  app.get('/api/v1/unauth', async (_req, reply) =>
    reply
      .code(401)
      .send({ error: 'unauthenticated', message: 'unknown, expired or revoked token' }),
  );
  app.get('/api/v1/conflict', async (_req, reply) =>
    reply.code(409).send({ error: 'conflict', message: 'release r1 is not approved' }),
  );
  app.get('/api/v1/text', async (_req, reply) => reply.code(502).type('text/plain').send('bad'));
  app.get('/api/v1/gone', async (_req, reply) => reply.code(404).send({ error: 'not_found' }));
  // Rate limited twice per key, then answered; `never` stays limited; `long` asks too long a wait.
  const seen = new Map<string, number>();
  app.post<{ Params: { key: string } }>('/api/v1/limited/:key', async (req, reply) => {
    const n = (seen.get(req.params.key) ?? 0) + 1;
    seen.set(req.params.key, n);
    if (req.params.key === 'long')
      return reply
        .code(429)
        .header('retry-after', '3600')
        .send({ error: 'rate-limited', message: 'later' });
    if (req.params.key === 'never' || n <= 2)
      return reply
        .code(429)
        .header('retry-after', '0')
        .send({ error: 'rate-limited', message: 'slow down' });
    return { attempts: n, body: req.body };
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

describe('readTokenFile', () => {
  it('reads the token alone (trimmed) or the token field of JSON', () => {
    expect(readTokenFile(file('plain', '  sza_abc\n'))).toBe('sza_abc');
    expect(readTokenFile(file('json', '{"token": "sza_json", "label": "x"}\n'))).toBe('sza_json');
  });

  it('refuses an empty file, JSON without a token, bad JSON and a missing file', () => {
    const empty = file('empty', '\n \n');
    expect(() => readTokenFile(empty)).toThrow(`${empty} is empty`);
    const noToken = file('notoken', '{"label": "x"}');
    expect(() => readTokenFile(noToken)).toThrow(`${noToken}: no "token" field in the JSON`);
    const bad = file('bad', '{token');
    expect(() => readTokenFile(bad)).toThrow(`${bad}: not valid JSON`);
    expect(() => readTokenFile(join(dir, 'nope'))).toThrow(
      `cannot read the token file ${join(dir, 'nope')}: ENOENT`,
    );
  });
});

describe('clientFrom', () => {
  it('needs a broker that is an http(s) URL', () => {
    expect(() => clientFrom({}, { SAMENZICHT_TOKEN: 't' })).toThrow(
      'say which broker: --broker URL (or set SAMENZICHT_BROKER)',
    );
    expect(() => clientFrom({ broker: 'broker.example.nl' }, { SAMENZICHT_TOKEN: 't' })).toThrow(
      "--broker 'broker.example.nl' is not a URL, e.g. https://broker.example.nl",
    );
    expect(() => brokerUrlFrom({ broker: 'ftp://x.nl' }, {})).toThrow(
      "--broker 'ftp://x.nl' must be an http or https URL",
    );
  });

  it('needs a token: --token-file wins over SAMENZICHT_TOKEN; none tells to log in', () => {
    expect(() => clientFrom({ broker: base }, {})).toThrow(
      'log in first: give --token-file FILE or set SAMENZICHT_TOKEN (see `samenzicht login`)',
    );
    const env = { SAMENZICHT_BROKER: `${base}/`, SAMENZICHT_TOKEN: 'from-env' };
    const c = clientFrom({}, env);
    expect(c.baseUrl).toBe(base);
    expect(c.token).toBe('from-env');
    expect(clientFrom({ tokenFile: file('t', '{"token":"from-file"}') }, env).token).toBe(
      'from-file',
    );
    expect(() => clientFrom({ tokenFile: file('e', '') }, env)).toThrow('is empty');
  });

  it('sends the bearer token, the CLI channel and the query', async () => {
    const c = clientFrom({ broker: base }, { SAMENZICHT_TOKEN: 'sza_t' });
    expect(await c.get('/ok', { state: 'candidate', skip: undefined })).toEqual({
      auth: 'Bearer sza_t',
      channel: 'cli',
      q: { state: 'candidate' },
    });
    expect(await c.post('/echo', { a: 1 })).toEqual({ body: { a: 1 } });
  });
});

describe('BrokerError', () => {
  const c = () => new BrokerClient({ baseUrl: base, token: 't' });
  const refusal = async (path: string) => {
    try {
      await c().get(path);
    } catch (err) {
      return err as BrokerError;
    }
    throw new Error(`${path} did not fail`);
  };

  it("carries the broker's status, code and message", async () => {
    const e = await refusal('/forbidden');
    expect(e).toBeInstanceOf(BrokerError);
    expect([e.status, e.code, e.message]).toEqual([
      403,
      'role-forbidden',
      'GET /x needs role broker',
    ]);
    expect((await refusal('/text')).message).toBe('GET /text: HTTP 502');
    expect(await refusal('/gone')).toMatchObject({ status: 404, code: 'not_found' });
    const res = await c().request('GET', '/gone', { accept: [404] });
    expect(res.status).toBe(404);
  });

  it('names the URL when the broker cannot be reached', async () => {
    const closed = Fastify();
    const url = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    const err = await new BrokerClient({ baseUrl: url })
      .get<never>('/ok')
      .catch((e: unknown) => e as BrokerError);
    expect(err).toMatchObject({ status: 0, code: 'unreachable' });
    expect(err.message).toBe(`cannot reach the broker at ${url}: ECONNREFUSED`);
  });

  it('becomes one CLI line: 401 tells to log in, other refusals are usage errors', async () => {
    const unauth = cliError(await refusal('/unauth'), base);
    expect(unauth).toBeInstanceOf(UsageError);
    expect((unauth as Error).message).toBe(
      `not logged in at ${base} (unknown, expired or revoked token); log in with \`samenzicht login --broker ${base} --email EMAIL --token-file FILE\``,
    );
    const forbidden = cliError(await refusal('/forbidden'), base);
    expect(forbidden).toBeInstanceOf(UsageError);
    expect((forbidden as Error).message).toBe('GET /x needs role broker');
    expect((cliError(await refusal('/conflict'), base) as Error).message).toBe(
      'release r1 is not approved',
    );
    const failed = cliError(await refusal('/text'), base);
    expect(failed).not.toBeInstanceOf(UsageError);
    expect((failed as Error).message).toBe(`the broker at ${base} failed: GET /text: HTTP 502`);
    const down = cliError(new BrokerError(0, 'unreachable', 'cannot reach the broker at x'), base);
    expect(down).not.toBeInstanceOf(UsageError);
    const other = new Error('x');
    expect(cliError(other, base)).toBe(other);
  });
});

describe('rate limits', () => {
  it('a 429 is waited out (retry-after) and the same request sent again', async () => {
    const c = new BrokerClient({ baseUrl: base });
    expect(await c.post('/limited/a', { x: 1 })).toEqual({ attempts: 3, body: { x: 1 } });
  });

  it("after its retries, or when the wait is too long, the 429 is the caller's", async () => {
    const c = new BrokerClient({ baseUrl: base, rateLimitRetries: 2 });
    await expect(c.post('/limited/never')).rejects.toMatchObject({
      status: 429,
      code: 'rate-limited',
      message: 'slow down',
    });
    await expect(c.post('/limited/long')).rejects.toMatchObject({ status: 429, message: 'later' });
  });
});
