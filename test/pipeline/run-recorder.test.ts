/**
 * Where a run's progress and failure are recorded in the server (governanceRecorder): a burst of
 * reports ends with the newest one recorded and never queues a write per report, and a store that
 * cannot take a report or a failure says so in the server's log rather than nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { IndicatorRef } from '../../src/governance/index.js';
import { governanceRecorder } from '../../src/pipeline/run-recorder.js';
import { setupDemoGovernance } from '../support/demo-governance.js';
import { backends, testClock } from '../store/backends.js';
import { until } from '../support/proc.js';

const IND: IndicatorRef = {
  id: 'ontmantelingen',
  theme: 'drugs',
  sources: ['politie_ontmantelingen', 'kadaster_woningen'],
};

for (const backend of backends()) {
  describe(`a run's progress in the state database on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function running() {
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: testClock().now });
      const gov = demo.governance;
      const run = await gov.startRun(demo.broker.id, { indicators: [IND] });
      let writes = 0;
      const counted = Object.assign(Object.create(gov) as typeof gov, {
        reportRunProgress: (...args: Parameters<typeof gov.reportRunProgress>) => {
          writes++;
          return gov.reportRunProgress(...args);
        },
      });
      const lines: string[] = [];
      const recorder = governanceRecorder(counted, run.id, demo.broker.id, (l) => lines.push(l));
      return { store, gov, run, recorder, lines, writes: () => writes };
    }

    it('records the newest of a burst of reports, in fewer writes than reports', async () => {
      const { gov, run, recorder, writes, lines } = await running();
      const total = 500;
      for (let done = 0; done < total; done++)
        recorder.progress(done < 300 ? 'linkage' : 'indicators', { done, total, what: `#${done}` });
      const last = await until('the newest report recorded', async () => {
        const r = await gov.getRun(run.id);
        return r.progress?.done === total - 1 ? r : null;
      });
      expect(last.stage).toBe('indicators');
      expect(last.progress).toEqual({ done: total - 1, total, what: `#${total - 1}` });
      expect(writes()).toBeLessThan(total);
      expect(writes()).toBeGreaterThanOrEqual(1);
      expect(lines).toEqual([]);
    });

    it('records a failure, after which no report moves the run', async () => {
      const { gov, run, recorder, lines } = await running();
      recorder.progress('linkage', { done: 0, total: 2, what: 'brp_personen' });
      await recorder.failed('the run process was killed (SIGKILL)');
      recorder.progress('indicators', { done: 0, total: 1, what: 'ontmantelingen' });
      await new Promise((r) => setTimeout(r, 100));
      const failed = await gov.getRun(run.id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toBe('the run process was killed (SIGKILL)');
      expect(failed.stage).not.toBe('indicators');
      expect(lines).toEqual([]);
    });

    it('says so in the log when the store cannot take a report or the failure', async () => {
      const { store, run, recorder, lines } = await running();
      await store.close();
      for (let done = 0; done < 3; done++)
        recorder.progress('linkage', { done, total: 3, what: 'brp_personen' });
      await until('the complaint', () => (lines.length ? true : null), 5_000);
      await recorder.failed('the run process was killed (SIGKILL)');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        new RegExp(`^samenzicht run ${run.id}: its progress could not be recorded: .+`),
      );
      expect(lines[1]).toMatch(
        new RegExp(
          `^samenzicht run ${run.id}: its failure could not be recorded \\(.+\\): the run process was killed \\(SIGKILL\\)$`,
        ),
      );
    });
  });
}
