import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  Governance,
  GovernanceError,
  PurposeBindingError,
  type IndicatorRef,
} from '../../src/governance/index.js';
import { setupDemoGovernance } from '../support/demo-governance.js';
import { backends, testClock } from '../store/backends.js';

const DRUGS: IndicatorRef = {
  id: 'verdachten_drugs',
  theme: 'drugs',
  sources: ['politie_verdachten', 'brp_personen'],
};
const VASTGOED: IndicatorRef = {
  id: 'woningen_aankoop_stichting',
  theme: 'vastgoed',
  sources: ['kadaster_transacties', 'kvk_vestigingen'],
};

for (const backend of backends()) {
  describe(`agreements and purpose binding on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function setup() {
      const clock = testClock();
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: clock.now });
      return { clock, store, demo, gov: demo.governance };
    }

    /** A second agreement with a narrow scope, signed by its parties. */
    async function narrowAgreement(
      gov: Governance,
      demo: Awaited<ReturnType<typeof setup>>['demo'],
      over: Partial<Parameters<Governance['createAgreement']>[1]> = {},
    ) {
      const a = await gov.createAgreement(demo.broker.id, {
        id: 'vastgoed-2026',
        title: 'Vastgoed',
        purpose: 'Misbruik van vastgoed',
        legalBasis: 'Convenant art. 3',
        parties: ['kadaster', 'kvk', 'broker'],
        datasets: ['kadaster_transacties', 'kvk_vestigingen'],
        themes: ['vastgoed'],
        validFrom: '2026-03-01T00:00:00Z',
        validUntil: '2026-06-01T00:00:00Z',
        retentionDays: 30,
        ...over,
      });
      return a;
    }

    it('sets up the demo: 7 providers, broker, board of three, consumer, one active agreement', async () => {
      const { demo, gov } = await setup();
      const orgs = await gov.listOrganisations();
      expect(orgs.filter((o) => o.role === 'provider').map((o) => o.id)).toEqual([
        'belastingdienst',
        'fiu',
        'gemeenten',
        'kadaster',
        'kvk',
        'politie-om',
        'uwv',
      ]);
      expect(orgs.filter((o) => o.role !== 'provider').map((o) => `${o.id}:${o.role}`)).toEqual([
        'board:board',
        'broker:broker',
        'riec:consumer',
      ]);
      expect(demo.board).toHaveLength(3);
      const a = await gov.getAgreement(demo.agreementId);
      expect(a.status).toBe('active');
      expect(a.parties).toHaveLength(8);
      expect(a.parties.every((p) => p.signedBy !== null)).toBe(true);
      expect(a.datasets).toHaveLength(12);
      const kadaster = a.contracts.find((c) => c.id === 'kadaster_transacties')!;
      expect(kadaster.columns.find((c) => c.name === 'koper_bsn')).toEqual({
        name: 'koper_bsn',
        type: 'VARCHAR',
        identifier: 'bsn',
        regionLevel: null,
      });
      expect(demo.providerUserFor('om_veroordelingen')).toBe(demo.providers['politie-om']);
      expect(() => demo.providerUserFor('nope')).toThrow(
        "no demo provider delivers dataset 'nope'",
      );
      expect((await gov.verifyAuditTrail()).ok).toBe(true);
    });

    it('walks draft → proposed → signed → active → expired, and refuses out-of-order steps', async () => {
      const { clock, demo, gov } = await setup();
      clock.set('2026-02-01T00:00:00Z');
      const a = await narrowAgreement(gov, demo);
      expect(a.status).toBe('draft');
      await expect(gov.signAgreement(demo.providers.kadaster!.id, a.id)).rejects.toThrow(
        'agreement vastgoed-2026 is draft; only a proposed agreement can be signed',
      );
      await expect(gov.proposeAgreement(demo.providers.kadaster!.id, a.id)).rejects.toThrow(
        /needs role broker/,
      );
      expect((await gov.proposeAgreement(demo.broker.id, a.id)).status).toBe('proposed');
      await expect(gov.proposeAgreement(demo.broker.id, a.id)).rejects.toThrow(
        /is proposed; only a draft/,
      );
      await expect(gov.signAgreement(demo.providers.fiu!.id, a.id)).rejects.toThrow(
        'steward@fiu.demo.samenzicht.nl is not a member of a party to agreement vastgoed-2026',
      );
      expect((await gov.signAgreement(demo.providers.kadaster!.id, a.id)).status).toBe('proposed');
      await expect(gov.signAgreement(demo.providers.kadaster!.id, a.id)).rejects.toThrow(
        /already signed/,
      );
      await gov.signAgreement(demo.providers.kvk!.id, a.id);
      const signed = await gov.signAgreement(demo.broker.id, a.id);
      expect(signed.status).toBe('signed'); // before validFrom
      clock.set('2026-03-01T00:00:00Z');
      expect((await gov.getAgreement(a.id)).status).toBe('active');
      clock.set('2026-06-01T00:00:00Z');
      expect((await gov.getAgreement(a.id)).status).toBe('expired');
      const signatures = await gov.listAudit({ action: 'signature' });
      expect(signatures.filter((e) => e.subject === a.id).map((e) => e.details)).toEqual([
        { complete: false, organisation: 'kadaster' },
        { complete: false, organisation: 'kvk' },
        { complete: true, organisation: 'broker' },
      ]);
    });

    it('refuses an agreement whose dataset provider is not a party', async () => {
      const { demo, gov } = await setup();
      await expect(narrowAgreement(gov, demo, { parties: ['kadaster', 'broker'] })).rejects.toThrow(
        "agreement vastgoed-2026: dataset kvk_vestigingen comes from provider 'kvk', which is not a party",
      );
      await expect(narrowAgreement(gov, demo, { datasets: ['kadaster_nope'] })).rejects.toThrow(
        /unknown dataset 'kadaster_nope'/,
      );
    });

    it('purpose binding names indicator, dataset and the missing permission', async () => {
      const { demo, gov } = await setup();
      await gov.revokeAgreement(
        demo.broker.id,
        demo.agreementId,
        'replaced by narrower agreements',
      );
      const a = await narrowAgreement(gov, demo, { indicators: ['woningen_aankoop_stichting'] });
      await gov.proposeAgreement(demo.broker.id, a.id);
      for (const u of [demo.providers.kadaster!, demo.providers.kvk!, demo.broker])
        await gov.signAgreement(u.id, a.id);
      const at = new Date('2026-03-02T00:00:00Z');
      expect(await gov.assertPurpose([VASTGOED], at)).toEqual(['vastgoed-2026']);

      const refusal = async (ind: IndicatorRef) => {
        try {
          await gov.assertPurpose([VASTGOED, ind], at);
        } catch (err) {
          expect(err).toBeInstanceOf(PurposeBindingError);
          const e = err as PurposeBindingError;
          return {
            indicator: e.indicatorId,
            dataset: e.datasetId,
            missing: e.missing,
            message: e.message,
          };
        }
        throw new Error('no refusal');
      };
      expect(
        await refusal({ id: 'leegstand', theme: 'drugs', sources: ['kadaster_woningen'] }),
      ).toEqual({
        indicator: 'leegstand',
        dataset: 'kadaster_woningen',
        missing: "an active agreement covering dataset 'kadaster_woningen'",
        message:
          "purpose binding: indicator 'leegstand' (theme 'drugs') may not use dataset 'kadaster_woningen': its agreement convenant-samenzicht-demo is revoked (missing permission: an active agreement covering dataset 'kadaster_woningen')",
      });
      expect(
        await refusal({
          id: 'transacties_drugs',
          theme: 'drugs',
          sources: ['kadaster_transacties'],
        }),
      ).toMatchObject({
        indicator: 'transacties_drugs',
        dataset: 'kadaster_transacties',
        missing: "theme 'drugs'",
      });
      expect(
        await refusal({
          id: 'koopsom_mediaan',
          theme: 'vastgoed',
          sources: ['kadaster_transacties'],
        }),
      ).toMatchObject({
        indicator: 'koopsom_mediaan',
        dataset: 'kadaster_transacties',
        missing: "indicator 'koopsom_mediaan'",
      });
      // Outside the validity window nothing is active.
      await expect(gov.assertPurpose([VASTGOED], new Date('2026-06-01T00:00:00Z'))).rejects.toThrow(
        /its agreement convenant-samenzicht-demo is revoked, vastgoed-2026 is expired/,
      );
    });

    it('revocation blocks new runs; the refusal is logged', async () => {
      const { demo, gov } = await setup();
      expect(
        (await gov.startRun(demo.broker.id, { id: 'run-1', indicators: [DRUGS] })).agreements,
      ).toEqual([demo.agreementId]);
      await gov.revokeAgreement(demo.board[0]!.id, demo.agreementId, 'board decision 2026-03');
      await expect(
        gov.startRun(demo.broker.id, { id: 'run-2', indicators: [DRUGS] }),
      ).rejects.toBeInstanceOf(PurposeBindingError);
      const refused = await gov.listAudit({ action: 'run.refused' });
      expect(refused.map((e) => [e.subject, e.details])).toEqual([
        [
          'run-2',
          {
            dataset: 'politie_verdachten',
            indicator: 'verdachten_drugs',
            missing: "an active agreement covering dataset 'politie_verdachten'",
          },
        ],
      ]);
      await expect(gov.revokeAgreement(demo.consumer.id, demo.agreementId, 'x')).rejects.toThrow(
        /may not revoke/,
      );
    });

    it('an agreement that expires in the middle of a run refuses the candidate', async () => {
      const { clock, demo, gov } = await setup();
      const a = await gov.getAgreement(demo.agreementId);
      clock.set(new Date(new Date(a.validUntil).getTime() - 60_000).toISOString());
      const run = await gov.startRun(demo.broker.id, { id: 'run-late', indicators: [DRUGS] });
      expect(run.state).toBe('running');
      clock.set(a.validUntil); // the run takes two minutes; the agreement ends during it
      await expect(
        gov.createCandidate(demo.broker.id, {
          runId: run.id,
          digest: '0'.repeat(64),
          auditSummary: {},
        }),
      ).rejects.toThrow(/its agreement convenant-samenzicht-demo is expired/);
      expect((await gov.getRun(run.id)).state).toBe('refused');
      expect(await gov.listReleases()).toEqual([]);
      await expect(
        gov.createCandidate(demo.broker.id, {
          runId: run.id,
          digest: '0'.repeat(64),
          auditSummary: {},
        }),
      ).rejects.toThrow('run run-late is refused, not running');
    });

    it('purges contributions after the retention period of an ended agreement, and logs it', async () => {
      const { clock, store, demo, gov } = await setup();
      const rel = join('contributions', 'kadaster_woningen', 'x.csv');
      mkdirSync(join(store.dataDir, 'contributions', 'kadaster_woningen'), { recursive: true });
      const content = 'object_id;buurtcode;bouwjaar\nA;BU03630000;1990\n';
      writeFileSync(join(store.dataDir, rel), content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const c = await gov.recordContribution(demo.providers.kadaster!.id, {
        datasetId: 'kadaster_woningen',
        sha256,
        bytes: content.length,
        storagePath: rel,
        accepted: 1,
        quarantined: 0,
      });
      expect(c).toMatchObject({
        organisationId: 'kadaster',
        agreementId: demo.agreementId,
        rows: 1,
        purgedAt: null,
      });
      // The same one-byte record, by another steward and after the agreement ended.
      const again = (userId: string) =>
        gov.recordContribution(userId, {
          datasetId: 'kadaster_woningen',
          sha256,
          bytes: 1,
          storagePath: rel,
          accepted: 1,
          quarantined: 0,
        });
      await expect(again(demo.providers.fiu!.id)).rejects.toThrow(
        "steward@fiu.demo.samenzicht.nl does not belong to provider 'kadaster' that delivers kadaster_woningen",
      );

      await gov.revokeAgreement(demo.broker.id, demo.agreementId, 'end of pilot');
      await expect(again(demo.providers.kadaster!.id)).rejects.toThrow(
        'no active agreement covers dataset kadaster_woningen from kadaster',
      );
      clock.advanceDays(89);
      expect(await gov.purgeExpired()).toEqual([]);
      expect(existsSync(join(store.dataDir, rel))).toBe(true);
      clock.advanceDays(1);
      expect(await gov.purgeExpired()).toEqual([
        { agreementId: demo.agreementId, contributions: 1 },
      ]);
      expect(existsSync(join(store.dataDir, rel))).toBe(false);
      expect((await gov.listContributions())[0]?.purgedAt).toBe(clock.now().toISOString());
      const purge = await gov.listAudit({ action: 'purge' });
      expect(purge.map((e) => e.details)).toEqual([
        {
          contributions: [{ dataset: 'kadaster_woningen', id: c.id, sha256 }],
          retentionDays: 90,
          status: 'revoked',
        },
      ]);
      expect(await gov.purgeExpired()).toEqual([]);
      expect((await gov.verifyAuditTrail()).ok).toBe(true);
    });

    it('errors carry codes the API maps to statuses', async () => {
      const { gov } = await setup();
      const err = await gov.getAgreement('nope').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GovernanceError);
      expect((err as GovernanceError).code).toBe('not_found');
    });
  });
}
