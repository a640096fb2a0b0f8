import { afterAll, describe, expect, it } from 'vitest';
import { type IndicatorRef } from '../../src/governance/index.js';
import { approveAsDemo, setupDemoGovernance } from '../support/demo-governance.js';
import { backends, testClock } from '../store/backends.js';
import { writeTestRelease } from './helpers.js';

const IND: IndicatorRef = {
  id: 'ontmantelingen',
  theme: 'drugs',
  sources: ['politie_ontmantelingen', 'kadaster_woningen'],
};

for (const backend of backends()) {
  describe(`airlock on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function candidate() {
      const clock = testClock();
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: clock.now });
      const gov = demo.governance;
      const run = await gov.startRun(demo.broker.id, { id: 'run-1', indicators: [IND] });
      const { digest } = writeTestRelease(store.dataDir, 'rel-1');
      const rel = await gov.createCandidate(demo.broker.id, {
        runId: run.id,
        releaseId: 'rel-1',
        digest,
        auditSummary: { cells: 120, suppressed: 7 },
      });
      return { clock, demo, gov, rel, digest };
    }

    it('a candidate waits for every provider it uses and a board quorum of two', async () => {
      const { demo, gov, rel, digest } = await candidate();
      expect(rel).toMatchObject({
        id: 'rel-1',
        state: 'candidate',
        digest,
        datasets: ['kadaster_woningen', 'politie_ontmantelingen'],
        providers: ['kadaster', 'politie-om'],
        auditSummary: { cells: 120, suppressed: 7 },
        approval: {
          providers: { kadaster: 'pending', 'politie-om': 'pending' },
          board: { approvals: 0, required: 2 },
          ready: false,
        },
      });
      const [chair, m1] = demo.board;
      await gov.review(chair!.id, rel.id, { decision: 'approve', digest });
      await gov.review(m1!.id, rel.id, { decision: 'approve', digest });
      await gov.review(demo.providers.kadaster!.id, rel.id, {
        decision: 'approve',
        reason: 'ok',
        digest,
      });
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        'release rel-1 is not approved: providers pending politie-om; board 2/2',
      );
      const ready = await gov.review(demo.providers['politie-om']!.id, rel.id, {
        decision: 'approve',
        digest,
      });
      expect(ready.approval).toEqual({
        providers: { kadaster: 'approved', 'politie-om': 'approved' },
        board: { approvals: 2, required: 2 },
        ready: true,
      });
      await expect(gov.publish(chair!.id, rel.id)).rejects.toThrow(
        /may not publish releases: needs role broker/,
      );
      const pub = await gov.publish(demo.broker.id, rel.id);
      expect(pub.state).toBe('published');
      expect(pub.publishedBy).toBe(demo.broker.id);
    });

    it('one person cannot approve twice, the runner cannot approve, outsiders cannot review', async () => {
      const { demo, gov, rel, digest } = await candidate();
      const [chair] = demo.board;
      await gov.review(chair!.id, rel.id, { decision: 'approve', digest });
      await expect(gov.review(chair!.id, rel.id, { decision: 'approve', digest })).rejects.toThrow(
        'chair@board.demo.samenzicht.nl already reviewed rel-1 (approve)',
      );
      await expect(
        gov.review(demo.broker.id, rel.id, { decision: 'approve', digest }),
      ).rejects.toThrow(
        'analyst@broker.demo.samenzicht.nl started the run of rel-1 and cannot review it',
      );
      await expect(
        gov.review(demo.providers.fiu!.id, rel.id, { decision: 'approve', digest }),
      ).rejects.toThrow(/neither a board member nor a member of a provider whose data rel-1 uses/);
      await expect(
        gov.review(demo.consumer.id, rel.id, { decision: 'approve', digest }),
      ).rejects.toThrow(/neither a board member/);
      await expect(
        gov.review(demo.providers.kadaster!.id, rel.id, {
          decision: 'approve',
          capacity: 'board',
          digest,
        }),
      ).rejects.toThrow("steward@kadaster.demo.samenzicht.nl cannot review rel-1 as 'board'");
      const r = await gov.getRelease(rel.id);
      expect(r.approval.board.approvals).toBe(1);
      expect(r.reviews.map((x) => x.capacity)).toEqual(['board']);
    });

    it('a board member who started the run does not count towards the quorum', async () => {
      const clock = testClock();
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: clock.now });
      const gov = demo.governance;
      const both = await gov.createUser('system', {
        email: 'dual@demo.nl',
        name: 'Dual',
        organisations: ['broker', 'board'],
      });
      const run = await gov.startRun(both.id, { indicators: [IND] });
      // Its folder is not written yet (the id is generated): only the digest is recorded.
      const digest = 'ab'.repeat(32);
      const rel = await gov.createCandidate(both.id, { runId: run.id, digest, auditSummary: {} });
      expect(rel.digest).toBe(digest);
      await expect(gov.review(both.id, rel.id, { decision: 'approve', digest })).rejects.toThrow(
        /started the run/,
      );
      await gov.review(demo.board[0]!.id, rel.id, { decision: 'approve', digest });
      await gov.review(demo.providers.kadaster!.id, rel.id, { decision: 'approve', digest });
      await gov.review(demo.providers['politie-om']!.id, rel.id, { decision: 'approve', digest });
      expect((await gov.getRelease(rel.id)).approval.ready).toBe(false);
      await gov.review(demo.board[1]!.id, rel.id, { decision: 'approve', digest });
      expect((await gov.getRelease(rel.id)).approval.ready).toBe(true);
    });

    it('a rejection needs a reason and stops the candidate', async () => {
      const { demo, gov, rel } = await candidate();
      await expect(
        gov.review(demo.providers.kadaster!.id, rel.id, { decision: 'reject' }),
      ).rejects.toThrow('a rejection needs a reason');
      const r = await gov.review(demo.providers.kadaster!.id, rel.id, {
        decision: 'reject',
        reason: 'buurt BU03630000 looks off',
      });
      expect(r.state).toBe('rejected');
      expect(r.approval.providers.kadaster).toBe('rejected');
      await expect(
        gov.review(demo.board[0]!.id, rel.id, { decision: 'approve', digest: rel.digest! }),
      ).rejects.toThrow('release rel-1 is rejected; only candidates are reviewed');
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        /is rejected; only an approved candidate/,
      );
      const rejections = await gov.listAudit({ action: 'rejection' });
      expect(rejections.map((e) => e.details)).toEqual([
        { capacity: 'kadaster', reason: 'buurt BU03630000 looks off' },
      ]);
    });

    it('published releases are immutable; withdrawal needs a reason and stays visible', async () => {
      const { demo, gov, rel } = await candidate();
      await approveAsDemo(demo, rel.id);
      await gov.publish(demo.broker.id, rel.id);
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        /is published; only an approved candidate/,
      );
      await expect(
        gov.review(demo.board[2]!.id, rel.id, { decision: 'reject', reason: 'late' }),
      ).rejects.toThrow(/is published; only candidates are reviewed/);
      await expect(gov.withdraw(demo.broker.id, rel.id, '  ')).rejects.toThrow(
        'reason must not be empty',
      );
      await expect(gov.withdraw(demo.consumer.id, rel.id, 'x')).rejects.toThrow(
        /needs role broker or board/,
      );
      const w = await gov.withdraw(demo.board[2]!.id, rel.id, 'error in source data of politie');
      expect(w).toMatchObject({
        state: 'withdrawn',
        withdrawReason: 'error in source data of politie',
      });
      expect((await gov.listReleases()).map((r) => [r.id, r.state])).toEqual([
        ['rel-1', 'withdrawn'],
      ]);
      await expect(gov.withdraw(demo.broker.id, rel.id, 'again')).rejects.toThrow(
        /is withdrawn; only a published/,
      );
      const actions = (await gov.listAudit()).map((e) => e.action);
      expect(actions.slice(-8)).toEqual([
        'run',
        'candidate',
        'approval',
        'approval',
        'approval',
        'approval',
        'publication',
        'withdrawal',
      ]);
      expect((await gov.verifyAuditTrail()).ok).toBe(true);
    });

    it('the database refuses changes to a published release other than withdrawal', async () => {
      const { demo, gov, rel } = await candidate();
      const db = gov.store.db;
      // A candidate may still change state (the airlock does so).
      await approveAsDemo(demo, rel.id);
      await gov.publish(demo.broker.id, rel.id);
      const update = (set: Record<string, string>) =>
        db.updateTable('releases').set(set).where('id', '=', rel.id).execute();
      await expect(update({ indicators: '["forged"]' })).rejects.toThrow(
        /published releases are immutable/,
      );
      await expect(update({ state: 'candidate' })).rejects.toThrow(
        /published releases are immutable/,
      );
      await expect(db.deleteFrom('releases').where('id', '=', rel.id).execute()).rejects.toThrow(
        /published releases are immutable/,
      );
      await gov.withdraw(demo.broker.id, rel.id, 'superseded');
      await expect(update({ withdraw_reason: 'other' })).rejects.toThrow(
        /published releases are immutable/,
      );
      expect((await gov.getRelease(rel.id)).indicators).toEqual(['ontmantelingen']);
    });

    it('reading a candidate is logged as access to non-public output; published releases are not', async () => {
      const { demo, gov, rel } = await candidate();
      await gov.getRelease(rel.id, demo.board[0]!.id);
      const access = await gov.listAudit({ action: 'access' });
      expect(access.map((e) => [e.actor, e.subject, e.details])).toEqual([
        [demo.board[0]!.id, 'rel-1', { state: 'candidate' }],
      ]);
      await approveAsDemo(demo, rel.id);
      await gov.publish(demo.broker.id, rel.id);
      await gov.getRelease(rel.id, demo.consumer.id);
      expect(await gov.listAudit({ action: 'access' })).toHaveLength(1);
    });
  });
}
