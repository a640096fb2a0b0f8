/**
 * HMAC-SHA256 of many messages at once, as unpadded base64url (43 characters each).
 *
 * node:crypto costs one Hmac object per message; its fixed cost per call, not SHA-256, is what
 * limits keyed pseudonymisation (see `npm run bench -- pseudonym`). The native addon in
 * `native/hmac-batch` calls the same OpenSSL that node:crypto uses (the node binary exports it)
 * once per batch. Without the addon (not built, or SAMENZICHT_NATIVE_HMAC=0) every message goes
 * through node:crypto: the results are identical, only slower.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type NativeBatch = (key: Buffer, data: Buffer, offsets: Uint32Array) => string;

const ADDON = new URL('../../native/hmac-batch/build/Release/hmac_batch.node', import.meta.url);

function loadNative(): NativeBatch | null {
  if (process.env.SAMENZICHT_NATIVE_HMAC === '0') return null;
  const path = fileURLToPath(ADDON);
  if (!existsSync(path)) return null; // not built: the documented fallback
  try {
    const addon = createRequire(import.meta.url)(path) as { hmacSha256Batch: NativeBatch };
    return addon.hmacSha256Batch;
  } catch (e) {
    // Built but unloadable (say, for another Node version): say so, it costs a factor 3 to 6.
    process.emitWarning(
      `the native HMAC addon does not load (${(e as Error).message.split('\n')[0]}); keyed pseudonymisation uses node:crypto. Rebuild with 'npm run build:native'.`,
      { code: 'SAMENZICHT_NATIVE_HMAC' },
    );
    return null;
  }
}

const native = loadNative();

/** Which implementation `hmacSha256Base64url` uses in this process. */
export const hmacImplementation: 'native batch' | 'node:crypto' = native
  ? 'native batch'
  : 'node:crypto';

const ENCODED = 43;

/** The messages as one buffer plus offsets: UTF-8 strings, or raw bytes given as base64url. */
function pack(messages: readonly string[], encoding: 'utf8' | 'base64url'): [Buffer, Uint32Array] {
  const offsets = new Uint32Array(messages.length + 1);
  const joined = encoding === 'utf8' ? messages.join('') : '';
  if (encoding === 'utf8' && Buffer.byteLength(joined, 'utf8') === joined.length) {
    // All ASCII, the common case (normalised ids): one copy of the text, offsets from lengths.
    let at = 0;
    for (let i = 0; i < messages.length; i++) {
      offsets[i] = at;
      at += (messages[i] as string).length;
    }
    offsets[messages.length] = at;
    return [Buffer.from(joined, 'latin1'), offsets];
  }
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    offsets[i] = at;
    at += Buffer.byteLength(messages[i] as string, encoding);
  }
  offsets[messages.length] = at;
  const data = Buffer.allocUnsafe(at);
  for (let i = 0; i < messages.length; i++) {
    data.write(messages[i] as string, offsets[i] as number, encoding);
  }
  return [data, offsets];
}

/**
 * HMAC-SHA256(key, message) for each message, base64url without padding. Messages are UTF-8
 * text, or with `encoding: 'base64url'` raw bytes written as base64url.
 */
export function hmacSha256Base64url(
  key: Buffer,
  messages: readonly string[],
  encoding: 'utf8' | 'base64url' = 'utf8',
): string[] {
  if (messages.length === 0) return [];
  if (!native) {
    return messages.map((m) =>
      createHmac('sha256', key)
        .update(encoding === 'utf8' ? m : Buffer.from(m, 'base64url'))
        .digest('base64url'),
    );
  }
  const [data, offsets] = pack(messages, encoding);
  const all = native(key, data, offsets);
  const out = new Array<string>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    out[i] = all.substring(i * ENCODED, (i + 1) * ENCODED);
  }
  return out;
}
