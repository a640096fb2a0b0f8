/**
 * Following a run: it polls until the run ends, survives a dropped connection (a broker busy in
 * a run's disclosure stage), and does not retry a refusal.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerClient, BrokerError } from '../../src/client/http.js';
import { followRun } from '../../src/client/runs.js';

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function broker(answers: ('drop' | 'running' | 'candidate' | 'forbidden')[]) {
  const app = Fastify();
  apps.push(app);
  let i = 0;
  app.get('/api/v1/runs/:id', async (req, reply) => {
    const a = answers[Math.min(i++, answers.length - 1)];
    if (a === 'drop') return reply.raw.destroy();
    if (a === 'forbidden') return reply.code(403).send({ error: 'forbidden', message: 'no' });
    return { id: (req.params as { id: string }).id, state: a, stage: null, progress: null };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { client: new BrokerClient({ baseUrl: `http://127.0.0.1:${port}` }), calls: () => i };
}

describe('followRun', () => {
  it('polls to the end state, and survives dropped connections', async () => {
    const b = await broker(['running', 'drop', 'drop', 'running', 'candidate']);
    const seen: string[] = [];
    const run = await followRun(b.client, 'run-1', {
      intervalMs: 5,
      onUpdate: (r) => seen.push(r.state),
    });
    expect(run.state).toBe('candidate');
    expect(seen).toEqual(['running', 'running', 'candidate']);
    expect(b.calls()).toBe(5);
  });

  it('does not retry a refusal', async () => {
    const b = await broker(['forbidden']);
    await expect(followRun(b.client, 'run-1', { intervalMs: 5 })).rejects.toBeInstanceOf(
      BrokerError,
    );
    expect(b.calls()).toBe(1);
  });
});
