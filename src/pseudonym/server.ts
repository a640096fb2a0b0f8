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
import {
  k1FromSecrets,
  KeyVersionRefused,
  readKeyholderDir,
  type KeyholderDir,
} from './keystore.js';

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

const deny = (reply: FastifyReply, status: number, error: string) =>
  reply.code(status).send({ error });

interface ServedTranscryptor {
  t: Transcryptor;
  tokens: { provider: string; broker: string };
}

/** The roles whose secrets are in the directory, one method per route. */
class KeyholderService {
  private constructor(
    private readonly d: KeyholderDir,
    private readonly transcryptors: Map<number, ServedTranscryptor>,
  ) {}

  static async open(dir: string): Promise<KeyholderService> {
    const d = readKeyholderDir(dir);
    const transcryptors = new Map<number, ServedTranscryptor>();
    for (const f of d.transcryptors) {
      transcryptors.set(f.secret.index, { t: await pepTranscryptor(f.secret), tokens: f.tokens });
    }
    return new KeyholderService(d, transcryptors);
  }

  /** GET /v1/health */
  async health() {
    return {
      status: 'ok',
      keyholder: this.d.keyholder !== null,
      transcryptors: [...this.transcryptors.keys()],
    };
  }

  /** GET /v1/public */
  async public() {
    return this.d.public;
  }

  /** GET /v1/keyed/k1[?version=N] (provider token) */
  async k1(req: FastifyRequest, reply: FastifyReply) {
    const keyholder = this.d.keyholder;
    if (!keyholder) return deny(reply, 404, 'this service holds no K1');
    if (!tokenMatches(bearer(req), keyholder.tokens.provider)) {
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
      const k = k1FromSecrets(keyholder, version);
      return { version: k.version, key: k.key.toString('base64') };
    } catch (e) {
      if (e instanceof KeyVersionRefused) return deny(reply, 409, e.message);
      throw e;
    }
  }

  /** POST /v1/pep/transcryptors/:i/pseudonymise (provider token from 'source', else broker) */
  async pseudonymise(req: FastifyRequest, reply: FastifyReply) {
    const body = pseudonymiseBody.safeParse(req.body);
    if (!body.success)
      return deny(reply, 400, `invalid request: ${body.error.issues[0]?.message ?? ''}`);
    const { from, to, items } = body.data;
    const t = this.transcryptorFor(
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
  }

  /** POST /v1/pep/transcryptors/:i/session-key-share (broker token) */
  async sessionKeyShare(req: FastifyRequest, reply: FastifyReply) {
    const body = shareBody.safeParse(req.body);
    if (!body.success)
      return deny(reply, 400, `invalid request: ${body.error.issues[0]?.message ?? ''}`);
    const t = this.transcryptorFor(req, reply, body.data.pepVersion, 'broker');
    if (!t) return reply;
    return { share: t.sessionKeyShare(body.data.to) };
  }

  /** The transcryptor `:i` for a caller with `role`'s token at `pepVersion`; else denies. */
  private transcryptorFor(
    req: FastifyRequest,
    reply: FastifyReply,
    pepVersion: number,
    role: 'provider' | 'broker',
  ): Transcryptor | null {
    const i = Number((req.params as { i: string }).i);
    const entry = this.transcryptors.get(i);
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
}

export async function buildKeyholderServer(dir: string): Promise<FastifyInstance> {
  const service = await KeyholderService.open(dir);
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  app.get('/v1/health', () => service.health());
  app.get('/v1/public', () => service.public());
  app.get('/v1/keyed/k1', (req, reply) => service.k1(req, reply));
  app.post('/v1/pep/transcryptors/:i/pseudonymise', (req, reply) =>
    service.pseudonymise(req, reply),
  );
  app.post('/v1/pep/transcryptors/:i/session-key-share', (req, reply) =>
    service.sessionKeyShare(req, reply),
  );
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
