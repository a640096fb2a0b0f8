/**
 * The key holder / transcryptor service: Fastify on loopback, no request logging (bodies hold
 * key material and ciphertexts). Serves the roles whose secret files are in its directory.
 *
 *   GET  /v1/health                                   roles served
 *   GET  /v1/public                                   K1 version, PEP public material
 *   GET  /v1/keyed/k1[?version=N]                     K1                           (provider token)
 *   POST /v1/pep/transcryptors/:i/pseudonymise        from 'source' into a domain  (provider token)
 *                                                     from domain d into d'        (broker token)
 *   POST /v1/pep/transcryptors/:i/session-key-share   key share for a domain       (broker token)
 *
 * A wrong key version answers 409 with a message naming the version held.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pepTranscryptor, type Transcryptor } from './pep.js';
import { k1FromSecrets, KeyVersionRefused, readKeyholderDir } from './keystore.js';

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();

function bearer(req: FastifyRequest): string {
  const h = req.headers.authorization ?? '';
  return h.startsWith('Bearer ') ? h.slice(7) : '';
}

function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha(given), sha(expected));
}

const shareBody = z.object({
  pepVersion: z.number().int().min(1),
  to: z.number().int().min(1),
});
const pseudonymiseBody = shareBody.extend({
  from: z.union([z.literal('source'), z.number().int().min(1)]),
  items: z.array(z.string().max(512)).max(100_000),
});

export async function buildKeyholderServer(dir: string): Promise<FastifyInstance> {
  const d = readKeyholderDir(dir);
  const transcryptors = new Map<
    number,
    { t: Transcryptor; tokens: { provider: string; broker: string } }
  >();
  for (const f of d.transcryptors) {
    transcryptors.set(f.secret.index, { t: await pepTranscryptor(f.secret), tokens: f.tokens });
  }
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });

  const deny = (reply: FastifyReply, status: number, error: string) =>
    reply.code(status).send({ error });

  app.get('/v1/health', async () => ({
    status: 'ok',
    keyholder: d.keyholder !== null,
    transcryptors: [...transcryptors.keys()],
  }));

  app.get('/v1/public', async () => d.public);

  app.get('/v1/keyed/k1', async (req, reply) => {
    if (!d.keyholder) return deny(reply, 404, 'this service holds no K1');
    if (!tokenMatches(bearer(req), d.keyholder.tokens.provider)) {
      return deny(reply, 401, 'K1 is released only to providers: missing or wrong provider token');
    }
    const q = (req.query as { version?: string }).version;
    let version: number | undefined;
    if (q !== undefined) {
      version = Number(q);
      if (!Number.isInteger(version) || version < 1)
        return deny(reply, 400, `invalid K1 version '${q}'`);
    }
    try {
      const k = k1FromSecrets(d.keyholder, version);
      return { version: k.version, key: k.key.toString('base64') };
    } catch (e) {
      if (e instanceof KeyVersionRefused) return deny(reply, 409, e.message);
      throw e;
    }
  });

  function transcryptorFor(
    req: FastifyRequest,
    reply: FastifyReply,
    pepVersion: number,
    role: 'provider' | 'broker',
  ): Transcryptor | null {
    const i = Number((req.params as { i: string }).i);
    const entry = transcryptors.get(i);
    if (!entry) {
      void deny(reply, 404, `transcryptor ${(req.params as { i: string }).i} is not served here`);
      return null;
    }
    if (!tokenMatches(bearer(req), entry.tokens[role])) {
      void deny(
        reply,
        401,
        role === 'provider'
          ? 'pseudonymising from the source domain is for providers only: missing or wrong provider token'
          : 'domain rotation and key shares are for the broker only: missing or wrong broker token',
      );
      return null;
    }
    if (entry.t.version !== pepVersion) {
      void deny(
        reply,
        409,
        `transcryptor ${i} holds PEP key set version ${entry.t.version}, not the requested version ${pepVersion}`,
      );
      return null;
    }
    return entry.t;
  }

  app.post('/v1/pep/transcryptors/:i/pseudonymise', async (req, reply) => {
    const body = pseudonymiseBody.safeParse(req.body);
    if (!body.success)
      return deny(reply, 400, `invalid request: ${body.error.issues[0]?.message ?? ''}`);
    const { from, to, items } = body.data;
    const t = transcryptorFor(
      req,
      reply,
      body.data.pepVersion,
      from === 'source' ? 'provider' : 'broker',
    );
    if (!t) return reply;
    try {
      return { items: t.pseudonymise(items, from, to) };
    } catch (e) {
      return deny(reply, 400, (e as Error).message);
    }
  });

  app.post('/v1/pep/transcryptors/:i/session-key-share', async (req, reply) => {
    const body = shareBody.safeParse(req.body);
    if (!body.success)
      return deny(reply, 400, `invalid request: ${body.error.issues[0]?.message ?? ''}`);
    const t = transcryptorFor(req, reply, body.data.pepVersion, 'broker');
    if (!t) return reply;
    return { share: t.sessionKeyShare(body.data.to) };
  });

  return app;
}

/** Listens on 127.0.0.1 only; returns the base url. */
export async function serveKeyholder(
  dir: string,
  port: number,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildKeyholderServer(dir);
  await app.listen({ host: '127.0.0.1', port });
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return { app, url: `http://127.0.0.1:${actual}` };
}
