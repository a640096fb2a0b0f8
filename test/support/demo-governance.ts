/**
 * The demo's parties set up directly on a Governance instance (no HTTP), for the unit tests of
 * governance and its routes: seven provider bodies, the broker, a board of three and one
 * consumer, with one signed agreement covering every dataset. The demo itself sets the same
 * parties up over the API (src/demo/parties.ts), from the same lists.
 */
import { DATASETS, type ProviderId } from '../../src/ingest/contracts.js';
import { THEMES } from '../../src/indicators/schema.js';
import {
  DEMO_AGREEMENT,
  demoPartyFor,
  DEMO_PROVIDER_ORGANISATIONS,
} from '../../src/demo/parties.js';
import type { Store } from '../../src/store/index.js';
import { Governance, type GovernanceOptions } from '../../src/governance/governance.js';
import type { Release, Role } from '../../src/governance/types.js';

export interface DemoUser {
  id: string;
  email: string;
  /** An API token for the demo user (shown once; stored hashed). */
  token: string;
}

export interface DemoGovernance {
  governance: Governance;
  organisations: { id: string; name: string; role: Role; providerIds: ProviderId[] }[];
  broker: DemoUser;
  board: DemoUser[];
  consumer: DemoUser;
  /** One user per provider organisation, by organisation id. */
  providers: Record<string, DemoUser>;
  agreementId: string;
  /** The provider user who delivers a dataset. */
  providerUserFor(datasetId: string): DemoUser;
}

export { DEMO_PROVIDER_ORGANISATIONS };

/** Pass the store, or the pipeline's own `Governance` instance (then `now` is ignored). */
export async function setupDemoGovernance(
  storeOrGovernance: Store | Governance,
  opts: GovernanceOptions & {
    /** Themes the agreement allows; defaults to every theme of the catalogue. */
    themes?: readonly string[];
    /** Called once per step, for the demo's progress output. */
    progress?: (message: string) => void;
  } = {},
): Promise<DemoGovernance> {
  const gov =
    storeOrGovernance instanceof Governance
      ? storeOrGovernance
      : new Governance(storeOrGovernance, opts);
  const say = opts.progress ?? (() => undefined);
  const system = 'system';
  const organisations: DemoGovernance['organisations'] = [];
  for (const o of DEMO_PROVIDER_ORGANISATIONS) {
    await gov.createOrganisation(system, { ...o, role: 'provider' });
    organisations.push({ ...o, role: 'provider' });
  }
  const others: { id: string; name: string; role: Role }[] = [
    { id: 'broker', name: 'Samenzicht broker (neutral steward)', role: 'broker' },
    { id: 'board', name: 'Governance board (bestuurlijk overleg)', role: 'board' },
    { id: 'riec', name: 'RIEC (consumer of the figures)', role: 'consumer' },
  ];
  for (const o of others) {
    await gov.createOrganisation(system, o);
    organisations.push({ ...o, providerIds: [] });
  }
  say(`governance: ${organisations.length} organisations (7 providers, broker, board, consumer)`);

  const user = async (email: string, name: string, org: string): Promise<DemoUser> => {
    const u = await gov.createUser(system, { email, name, organisations: [org] });
    const { token } = await gov.createApiToken(u.id, 'demo');
    return { id: u.id, email: u.email, token };
  };
  const providers: Record<string, DemoUser> = {};
  for (const o of DEMO_PROVIDER_ORGANISATIONS) {
    providers[o.id] = await user(
      `steward@${o.id}.demo.samenzicht.nl`,
      `Data steward ${o.name}`,
      o.id,
    );
  }
  const broker = await user('analyst@broker.demo.samenzicht.nl', 'Broker analyst', 'broker');
  const board = [
    await user('chair@board.demo.samenzicht.nl', 'Board chair', 'board'),
    await user('member1@board.demo.samenzicht.nl', 'Board member 1', 'board'),
    await user('member2@board.demo.samenzicht.nl', 'Board member 2', 'board'),
  ];
  const consumer = await user('analyst@riec.demo.samenzicht.nl', 'RIEC analyst', 'riec');
  say(`governance: ${Object.keys(providers).length + board.length + 2} users with API tokens`);

  const now = gov.now();
  const agreement = await gov.createAgreement(broker.id, {
    ...DEMO_AGREEMENT,
    parties: [...DEMO_PROVIDER_ORGANISATIONS.map((o) => o.id), 'broker'],
    datasets: DATASETS.map((d) => d.id),
    themes: [...(opts.themes ?? THEMES)],
    validFrom: new Date(now.getTime() - 86_400_000),
    validUntil: new Date(now.getTime() + 365 * 86_400_000),
  });
  await gov.proposeAgreement(broker.id, agreement.id);
  for (const o of DEMO_PROVIDER_ORGANISATIONS) {
    const u = providers[o.id];
    if (u) await gov.signAgreement(u.id, agreement.id);
  }
  const signed = await gov.signAgreement(broker.id, agreement.id);
  say(
    `governance: agreement ${signed.id} signed by all ${signed.parties.length} parties, ${signed.status}`,
  );

  return {
    governance: gov,
    organisations,
    broker,
    board,
    consumer,
    providers,
    agreementId: signed.id,
    providerUserFor: (datasetId: string) => demoPartyFor(providers, datasetId),
  };
}

/**
 * The demo's reviewers approve a candidate: every provider whose data it uses, and two board
 * members (the broker analyst started the run and does not review). Each approval signs the
 * digest recorded for the candidate.
 */
export async function approveAsDemo(demo: DemoGovernance, releaseId: string): Promise<Release> {
  const gov = demo.governance;
  let release = await gov.getRelease(releaseId);
  const digest = release.digest;
  if (!digest) throw new Error(`release ${releaseId} has no recorded digest to approve`);
  for (const org of release.providers) {
    const u = demo.providers[org];
    if (!u) throw new Error(`release ${releaseId} uses provider ${org}, which has no demo user`);
    release = await gov.review(u.id, releaseId, {
      decision: 'approve',
      reason: 'checked against our own figures',
      digest,
    });
  }
  for (const u of demo.board.slice(0, 2)) {
    release = await gov.review(u.id, releaseId, {
      decision: 'approve',
      reason: 'disclosure audit passed',
      digest,
    });
  }
  return release;
}
