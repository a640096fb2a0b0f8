/** A key holder served on a free local port, and the providers' HTTP client of it. */
import { join } from 'node:path';
import { HttpKeyholder } from './keyholder.js';
import { readAccessToken } from './keystore.js';
import { serveKeyholder } from './server.js';

/** Serves the key holder of `dir` (port 0) and connects with the providers' access token. */
export async function serveKeyholderForProviders(
  dir: string,
): Promise<{ served: Awaited<ReturnType<typeof serveKeyholder>>; keys: HttpKeyholder }> {
  const served = await serveKeyholder(dir, 0);
  const keys = new HttpKeyholder([served.url], readAccessToken(join(dir, 'provider-access.json')));
  return { served, keys };
}
