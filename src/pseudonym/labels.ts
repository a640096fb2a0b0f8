/**
 * Labelled pseudonyms, after NEN 7524 and the "openbare pseudonimisatiemethode": every value says
 * which scheme and which key version made it, so keys and algorithms can be replaced without
 * guessing what an old value means.
 *
 *   stage 1 (leaves the provider):   ZS1:keyed:k1v<K1 version>:<base64url HMAC>
 *                                     ZS1:pep:g<PEP key-set version>d<broker domain version>:<ElGamal
 *                                     ciphertext, base64url, decryptable only with the broker's key>
 *   final (broker storage, linkage): ZS:keyed:v<K2 version>:<base64url HMAC>
 *                                     ZS:pep:v<broker domain version>:<base64url pseudonym>
 */
export type Scheme = 'keyed' | 'pep';

export interface Stage1Label {
  scheme: Scheme;
  /** K1 version (keyed) or PEP key-set version (pep). */
  version: number;
  /** PEP only: the broker domain version the transcryptors pseudonymised into. */
  domain?: number;
  payload: string;
}

const STAGE1 = /^ZS1:(?:keyed:k1v(\d+)|pep:g(\d+)d(\d+)):([A-Za-z0-9=_-]+)$/;
const FINAL = /^ZS:(keyed|pep):v(\d+):([A-Za-z0-9_-]+)$/;

export function keyedStage1Label(k1Version: number, payload: string): string {
  return `ZS1:keyed:k1v${k1Version}:${payload}`;
}

export function pepStage1Label(pepVersion: number, domainVersion: number, payload: string): string {
  return `ZS1:pep:g${pepVersion}d${domainVersion}:${payload}`;
}

export function parseStage1(value: string): Stage1Label {
  const m = STAGE1.exec(value);
  if (!m) throw new Error(`not a stage-1 pseudonym: '${value.slice(0, 24)}…'`);
  if (m[1] !== undefined)
    return { scheme: 'keyed', version: Number(m[1]), payload: m[4] as string };
  return { scheme: 'pep', version: Number(m[2]), domain: Number(m[3]), payload: m[4] as string };
}

export function finalLabel(scheme: Scheme, version: number, payload: string): string {
  return `ZS:${scheme}:v${version}:${payload}`;
}

export function parseFinal(value: string): Stage1Label {
  const m = FINAL.exec(value);
  if (!m) throw new Error(`not a broker pseudonym: '${value.slice(0, 24)}…'`);
  return { scheme: m[1] as Scheme, version: Number(m[2]), payload: m[3] as string };
}
