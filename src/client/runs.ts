/**
 * Following a run on the broker: it polls `GET /api/v1/runs/:id` until the run is no longer
 * running, telling the caller each new state (the CLI prints it, the demo shows progress).
 *
 * A poll that the connection drops (a broker restarting, a proxy timing out) is retried, a
 * refusal is not. The run computes in a process of its own, so the broker answers meanwhile.
 */
import type { Run } from '../governance/index.js';
import { BrokerError, type BrokerClient } from './http.js';

const RETRIES = 5;

export async function followRun(
  client: BrokerClient,
  id: string,
  opts: { intervalMs?: number; onUpdate?: (run: Run) => void } = {},
): Promise<Run> {
  const interval = opts.intervalMs ?? 1000;
  let failures = 0;
  for (;;) {
    let run: Run;
    try {
      run = await client.get<Run>(`/runs/${encodeURIComponent(id)}`);
      failures = 0;
    } catch (err) {
      if (!(err instanceof BrokerError) || err.status !== 0 || ++failures > RETRIES) throw err;
      await new Promise((r) => setTimeout(r, interval * 2 ** failures));
      continue;
    }
    opts.onUpdate?.(run);
    if (run.state !== 'running') return run;
    await new Promise((r) => setTimeout(r, interval));
  }
}
