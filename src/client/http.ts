/**
 * The broker's HTTP API as a client: every CLI command that acts on a broker, and the demo, go
 * through it, so each action is done by a logged-in user over the same routes the dashboard uses.
 *
 * The token comes from `--token-file FILE` (a file holding the token, mode 0600 advised) or the
 * environment variable SAMENZICHT_TOKEN; the broker from `--broker URL` or SAMENZICHT_BROKER.
 */
import { readFileSync } from 'node:fs';

export const TOKEN_ENV = 'SAMENZICHT_TOKEN';
export const BROKER_ENV = 'SAMENZICHT_BROKER';

/** A refusal by the broker: its HTTP status, machine-readable code and message. */
export class BrokerError extends Error {
  override name = 'BrokerError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /**
     * Which check refused a contribution file (e.g. `raw-identifier`, `field-length-limit`), with
     * the field and row it names; absent on other errors.
     */
    readonly refusal?: { reason: string; field?: string; row?: number },
  ) {
    super(message);
  }
}

export interface BrokerClientOptions {
  /** Base URL of the broker, e.g. https://broker.example.nl (no /api/v1). */
  baseUrl: string;
  token?: string;
  /** Extra headers on every request, e.g. the channel. */
  headers?: Record<string, string>;
  /**
   * How often a request refused with 429 (rate limited) is sent again after the broker's
   * `retry-after` (at most 60 s each); default 3. Streamed bodies are never sent again.
   */
  rateLimitRetries?: number;
}

/** The longest `retry-after` the client waits out; beyond it the 429 is the caller's. */
const MAX_RETRY_AFTER_S = 60;

export interface RequestOptions {
  /** JSON body (objects) or a raw body (streams, buffers). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Resolve instead of throwing for these statuses (the caller reads the response). */
  accept?: readonly number[];
  signal?: AbortSignal;
}

export class BrokerClient {
  readonly baseUrl: string;
  constructor(private readonly opts: BrokerClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  get token(): string | undefined {
    return this.opts.token;
  }

  /** The same broker as another user. */
  as(token: string): BrokerClient {
    return new BrokerClient({ ...this.opts, token });
  }

  url(path: string, query?: RequestOptions['query']): string {
    const u = new URL(`${this.baseUrl}/api/v1${path.startsWith('/') ? path : `/${path}`}`);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** One request; a non-2xx answer becomes a BrokerError with the broker's own message. */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.opts.headers, ...o.headers };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let body: string | Uint8Array | ReadableStream | AsyncIterable<Uint8Array> | undefined;
    const raw =
      o.body instanceof Uint8Array ||
      o.body instanceof ReadableStream ||
      (o.body !== null && typeof o.body === 'object' && Symbol.asyncIterator in o.body);
    if (o.body !== undefined && !raw) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.body);
    } else if (o.body !== undefined) {
      headers['content-type'] ??= 'application/octet-stream';
      body = o.body as Uint8Array;
    }
    const replayable = body === undefined || typeof body === 'string' || body instanceof Uint8Array;
    let res: Response;
    for (let retries = this.opts.rateLimitRetries ?? 3; ; retries--) {
      try {
        res = await fetch(this.url(path, o.query), {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(raw ? { duplex: 'half' } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        } as RequestInit);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new BrokerError(
          0,
          'unreachable',
          `cannot reach the broker at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
        );
      }
      const wait = Number(res.headers.get('retry-after'));
      if (res.status !== 429 || retries <= 0 || !replayable || o.accept?.includes(429)) break;
      if (!(wait >= 0 && wait <= MAX_RETRY_AFTER_S)) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
    if (res.ok || o.accept?.includes(res.status)) return res;
    let code = 'error';
    let message = `${method} ${path}: HTTP ${res.status}`;
    let refusal: BrokerError['refusal'];
    try {
      const j = (await res.json()) as {
        error?: string;
        message?: string;
        reason?: string;
        field?: string;
        row?: number;
      };
      if (j.error) code = j.error;
      if (j.message) message = j.message;
      if (typeof j.reason === 'string')
        refusal = {
          reason: j.reason,
          ...(typeof j.field === 'string' ? { field: j.field } : {}),
          ...(typeof j.row === 'number' ? { row: j.row } : {}),
        };
    } catch {
      // not JSON: keep the status line
    }
    throw new BrokerError(res.status, code, message, refusal);
  }

  async json<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, o);
    return (await res.json()) as T;
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.json<T>('GET', path, query ? { query } : {});
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.json<T>('POST', path, { body });
  }
}

/** Reads a token file: the token on its own, or JSON with a `token` field (as `init` writes). */
export function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read the token file ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  if (text.startsWith('{')) {
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      throw new Error(`${file}: not valid JSON (expected {"token": "..."} or the token alone)`);
    }
    if (typeof token !== 'string' || token === '')
      throw new Error(`${file}: no "token" field in the JSON`);
    return token;
  }
  if (text === '') throw new Error(`${file} is empty`);
  return text;
}

/** The broker's base URL: `--broker` / SAMENZICHT_BROKER, checked to be an http(s) URL. */
export function brokerUrlFrom(
  o: { broker?: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const baseUrl = o.broker ?? env[BROKER_ENV];
  if (!baseUrl) throw new Error(`say which broker: --broker URL (or set ${BROKER_ENV})`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`--broker '${baseUrl}' is not a URL, e.g. https://broker.example.nl`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--broker '${baseUrl}' must be an http or https URL`);
  return baseUrl;
}

/** Tells the broker a request came from the command line (not the dashboard). */
export const CLI_HEADERS: Readonly<Record<string, string>> = { 'x-samenzicht-channel': 'cli' };

/** The client a command uses: `--broker` / SAMENZICHT_BROKER, `--token-file` / SAMENZICHT_TOKEN. */
export function clientFrom(
  o: { broker?: string; tokenFile?: string },
  env: NodeJS.ProcessEnv = process.env,
): BrokerClient {
  const baseUrl = brokerUrlFrom(o, env);
  const token = o.tokenFile ? readTokenFile(o.tokenFile) : env[TOKEN_ENV];
  if (!token)
    throw new Error(
      `log in first: give --token-file FILE or set ${TOKEN_ENV} (see \`samenzicht login\`)`,
    );
  return new BrokerClient({ baseUrl, token, headers: { ...CLI_HEADERS } });
}
