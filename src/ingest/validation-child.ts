/**
 * The validator process (forked by validation-pool.ts): validates one uploaded file per request,
 * one request at a time, and answers each over its IPC channel. Its memory is capped by Node's
 * `--max-old-space-size` and DuckDB's `memory_limit`; the server kills it when a validation runs
 * past its time, and it exits by itself when the server goes away.
 */
import { exitWithParent } from '../process/exit-with-parent.js';
import { validateFile } from './file-validation.js';
import type { ValidatorAnswer, ValidatorRequest } from './validation-pool.js';

exitWithParent();

const send = (m: ValidatorAnswer) =>
  new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    process.send!(m, undefined, {}, () => resolve());
  });

const usage = () => ({
  rssBytes: process.memoryUsage.rss(),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
});

let queue = Promise.resolve();
process.on('message', (m: ValidatorRequest) => {
  queue = queue.then(async () => {
    try {
      const result = await validateFile(m.request);
      await send({ id: m.id, result, ...usage() });
    } catch (err) {
      await send({ id: m.id, error: err instanceof Error ? err.message : String(err), ...usage() });
    }
  });
});
