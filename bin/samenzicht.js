#!/usr/bin/env node
// Entry point of the `samenzicht` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('samenzicht: not built yet; run `npm run build` (npm install does this).');
  process.exit(1);
}
// A reader that stops early (`samenzicht indicators list | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import(compiled);
process.exitCode = await main(process.argv);
