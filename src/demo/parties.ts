/**
 * The demo's parties, set up as a real instance is: the administrator (from `init`) registers
 * seven provider bodies, the board and a consumer, creates their users, and drafts the agreement;
 * each user logs in with their own password and gets their own API token; every provider and the
 * broker sign. All of it over the broker's HTTP API.
 */
import { randomBytes } from 'node:crypto';
import { BrokerClient } from '../client/http.js';
import { DATASETS, type ProviderId } from '../ingest/contracts.js';
import { THEMES } from '../indicators/schema.js';
import type { Agreement, Release, Role } from '../governance/index.js';

export const DEMO_PROVIDER_ORGANISATIONS: readonly {
  id: string;
  name: string;
  providerIds: ProviderId[];
}[] = [
  { id: 'gemeenten', name: 'Gemeenten (BRP, via VNG)', providerIds: ['gemeenten'] },
  { id: 'belastingdienst', name: 'Belastingdienst', providerIds: ['belastingdienst'] },
  { id: 'politie-om', name: 'Politie en Openbaar Ministerie', providerIds: ['politie', 'om'] },
  { id: 'kvk', name: 'Kamer van Koophandel', providerIds: ['kvk'] },
  { id: 'kadaster', name: 'Kadaster', providerIds: ['kadaster'] },
  { id: 'fiu', name: 'FIU-Nederland', providerIds: ['fiu'] },
  { id: 'uwv', name: 'UWV', providerIds: ['uwv'] },
];

/** The demo organisation that delivers a dataset, or the error that none does. */
export function demoPartyFor<P>(parties: Readonly<Record<string, P>>, datasetId: string): P {
  const provider = DATASETS.find((d) => d.id === datasetId)?.provider;
  const org = DEMO_PROVIDER_ORGANISATIONS.find((o) => provider && o.providerIds.includes(provider));
  const party = org ? parties[org.id] : undefined;
  if (!party) throw new Error(`no demo provider delivers dataset '${datasetId}'`);
  return party;
}

/** The broker organisation `init` creates for the demo, and the other non-provider bodies. */
export const DEMO_BROKER = { id: 'broker', name: 'Samenzicht broker (neutral steward)' } as const;
export const DEMO_OTHER_ORGANISATIONS: readonly { id: string; name: string; role: Role }[] = [
  { id: 'board', name: 'Governance board (bestuurlijk overleg)', role: 'board' },
  { id: 'riec', name: 'RIEC (consumer of the figures)', role: 'consumer' },
];

export const DEMO_ADMIN = {
  email: 'analyst@broker.demo.samenzicht.nl',
  name: 'Broker analyst',
} as const;
export const DEMO_BOARD = [
  { email: 'chair@board.demo.samenzicht.nl', name: 'Board chair' },
  { email: 'member1@board.demo.samenzicht.nl', name: 'Board member 1' },
  { email: 'member2@board.demo.samenzicht.nl', name: 'Board member 2' },
] as const;
export const DEMO_CONSUMER = { email: 'analyst@riec.demo.samenzicht.nl', name: 'RIEC analyst' };
export const stewardEmail = (organisation: string) => `steward@${organisation}.demo.samenzicht.nl`;

export const DEMO_AGREEMENT = {
  id: 'convenant-samenzicht-demo',
  title: 'Convenant Samenzicht (demo)',
  purpose:
    'Regional insight into undermining crime and vulnerability, published only as safe aggregate indicators.',
  legalBasis:
    'Demo: stands in for the convenant and the legal bases of each party (e.g. Wpg, Awr, Wwft).',
  retentionDays: 90,
} as const;

/** A logged-in party of the demo: its organisation and a client with its own token. */
export interface DemoParty {
  email: string;
  organisation: string;
  client: BrokerClient;
}

export interface DemoParties {
  broker: DemoParty;
  board: DemoParty[];
  consumer: DemoParty;
  /** One data steward per provider organisation, by organisation id. */
  providers: Record<string, DemoParty>;
  agreement: Agreement;
  /** The steward who delivers a dataset. */
  providerFor(datasetId: string): DemoParty;
}

/** The user logs in with their password and makes an API token for the rest of the demo. */
async function logIn(
  base: BrokerClient,
  email: string,
  password: string,
  organisation: string,
): Promise<DemoParty> {
  const session = await base.post<{ token: string }>('/auth/login', { email, password });
  const asSession = base.as(session.token);
  const { token } = await asSession.post<{ token: string }>('/auth/tokens', { label: 'demo' });
  await asSession.request('POST', '/auth/logout');
  return { email, organisation, client: base.as(token) };
}

export async function setUpParties(
  admin: BrokerClient,
  opts: { themes?: readonly string[]; say?: (message: string) => void } = {},
): Promise<DemoParties> {
  const say = opts.say ?? (() => undefined);
  const anonymous = new BrokerClient({ baseUrl: admin.baseUrl });
  for (const o of DEMO_PROVIDER_ORGANISATIONS)
    await admin.post('/organisations', { ...o, role: 'provider' });
  for (const o of DEMO_OTHER_ORGANISATIONS) await admin.post('/organisations', o);
  say(
    `governance: ${DEMO_PROVIDER_ORGANISATIONS.length + DEMO_OTHER_ORGANISATIONS.length} organisations registered by the administrator`,
  );

  const user = async (email: string, name: string, organisation: string) => {
    // Each demo user has a password of their own; it lives only in this process.
    const password = randomBytes(18).toString('base64url');
    await admin.post('/users', { email, name, password, organisations: [organisation] });
    return logIn(anonymous, email, password, organisation);
  };
  const providers: Record<string, DemoParty> = {};
  for (const o of DEMO_PROVIDER_ORGANISATIONS)
    providers[o.id] = await user(stewardEmail(o.id), `Data steward ${o.name}`, o.id);
  const board: DemoParty[] = [];
  for (const b of DEMO_BOARD) board.push(await user(b.email, b.name, 'board'));
  const consumer = await user(DEMO_CONSUMER.email, DEMO_CONSUMER.name, 'riec');
  const broker: DemoParty = {
    email: DEMO_ADMIN.email,
    organisation: DEMO_BROKER.id,
    client: admin,
  };
  say(
    `governance: ${Object.keys(providers).length + board.length + 1} users, each logged in with a token of their own`,
  );

  const now = Date.now();
  await admin.post('/agreements', {
    ...DEMO_AGREEMENT,
    parties: [...DEMO_PROVIDER_ORGANISATIONS.map((o) => o.id), DEMO_BROKER.id],
    datasets: DATASETS.map((d) => d.id),
    themes: [...(opts.themes ?? THEMES)],
    validFrom: new Date(now - 86_400_000).toISOString(),
    validUntil: new Date(now + 365 * 86_400_000).toISOString(),
  });
  await admin.post(`/agreements/${DEMO_AGREEMENT.id}/propose`);
  for (const o of DEMO_PROVIDER_ORGANISATIONS)
    await providers[o.id]!.client.post(`/agreements/${DEMO_AGREEMENT.id}/sign`);
  const agreement = await admin.post<Agreement>(`/agreements/${DEMO_AGREEMENT.id}/sign`);
  say(
    `governance: agreement ${agreement.id} signed by all ${agreement.parties.length} parties, ${agreement.status}`,
  );
  return {
    broker,
    board,
    consumer,
    providers,
    agreement,
    providerFor: (datasetId) => demoPartyFor(providers, datasetId),
  };
}

/**
 * The airlock as the reviewers pass it: each provider whose data the candidate uses, and two
 * board members, read the candidate and approve the digest they read; the broker publishes.
 */
export async function reviewAndPublish(
  parties: DemoParties,
  releaseId: string,
): Promise<{ approvals: number; release: Release }> {
  const path = `/airlock/releases/${encodeURIComponent(releaseId)}`;
  let approvals = 0;
  const approve = async (p: DemoParty, reason: string) => {
    const seen = await p.client.get<Release>(path);
    if (!seen.digest) throw new Error(`release ${releaseId} has no recorded digest to approve`);
    await p.client.post(`${path}/reviews`, { decision: 'approve', reason, digest: seen.digest });
    approvals++;
  };
  const candidate = await parties.broker.client.get<Release>(path);
  for (const org of candidate.providers) {
    const p = parties.providers[org];
    if (!p) throw new Error(`release ${releaseId} uses provider ${org}, which has no demo steward`);
    await approve(p, 'checked against our own figures');
  }
  for (const b of parties.board.slice(0, 2)) await approve(b, 'disclosure audit passed');
  const release = await parties.broker.client.post<Release>(`${path}/publish`);
  return { approvals, release };
}
