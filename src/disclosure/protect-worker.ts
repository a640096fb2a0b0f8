/** A worker thread of `protect` (parts.ts): protects one part (a year) with its own heap. */
import { parentPort } from 'node:worker_threads';
import { protectTable } from './protect.js';
import type { ProtectInput } from './types.js';

const port = parentPort;
if (!port) throw new Error('protect-worker must run as a worker thread');
port.on('message', (msg: { input: ProtectInput }) => {
  protectTable(msg.input).then(
    (result) => port.postMessage({ result }),
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
