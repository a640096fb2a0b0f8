/**
 * Following a run on the broker: it polls `GET /api/v1/runs/:id` until the run is no longer
 * running, telling the caller each new state (the CLI prints it, the demo shows progress).
 */
import type { Run } from '../governance/index.js';
import type { BrokerClient } from './http.js';

export async function followRun(
  client: BrokerClient,
  id: string,
  opts: { intervalMs?: number; onUpdate?: (run: Run) => void } = {},
): Promise<Run> {
  for (;;) {
    const run = await client.get<Run>(`/runs/${encodeURIComponent(id)}`);
    opts.onUpdate?.(run);
    if (run.state !== 'running') return run;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}
