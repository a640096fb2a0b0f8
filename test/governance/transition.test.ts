/** The one state-transition helper: a conditional UPDATE that explains a miss. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transition } from '../../src/governance/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';

const sqlite = backends()[0]!;
let demo: DemoGovernance;

beforeAll(async () => {
  demo = await setupDemoGovernance(await sqlite.open());
  await demo.governance.createAgreement(demo.broker.id, {
    id: 'tr-1',
    title: 'T',
    purpose: 'P',
    legalBasis: 'L',
    parties: ['kadaster', 'broker'],
    datasets: ['kadaster_woningen'],
    themes: ['vastgoed'],
    validFrom: '2026-03-01T00:00:00Z',
    validUntil: '2026-06-01T00:00:00Z',
    retentionDays: 30,
  });
});
afterAll(async () => {
  await sqlite.cleanup();
});

describe('transition', () => {
  const ctx = () => demo.governance.context;
  const move = (id: string, from: string, to: string, opts = {}) =>
    ctx().tx((trx) => transition(trx, 'agreements', id, from, to, {}, opts));

  it('moves a row in the expected state, and only then', async () => {
    expect(await move('tr-1', 'draft', 'proposed')).toBe(true);
    expect((await demo.governance.getAgreement('tr-1')).status).toBe('proposed');
  });

  it('says not_found for a missing row, conflict (with the current state) for another state', async () => {
    await expect(move('nope', 'draft', 'proposed')).rejects.toMatchObject({
      code: 'not_found',
      message: 'agreement nope does not exist',
    });
    await expect(move('tr-1', 'draft', 'proposed')).rejects.toMatchObject({
      code: 'conflict',
      message: 'agreement tr-1 is proposed, not draft',
    });
    await expect(
      move('tr-1', 'draft', 'proposed', { explain: (s: string) => `it is ${s}` }),
    ).rejects.toMatchObject({ code: 'conflict', message: 'it is proposed' });
  });

  it('with quiet, a row in another state is no error', async () => {
    expect(await move('tr-1', 'draft', 'proposed', { quiet: true })).toBe(false);
    await expect(move('nope', 'draft', 'proposed', { quiet: true })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
