/**
 * `npm run bench [-- NAME ...]`: runs the named benchmarks (all when none are named). Each
 * benchmark is a module `bench/<name>.ts` exporting `run(args)`, which prints its own figures.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [, , ...argv] = process.argv;
const names = argv.filter((a) => !a.startsWith('--'));
const flags = argv.filter((a) => a.startsWith('--'));
const chosen = names.length > 0 ? names : available;
for (const name of chosen) {
  if (!available.includes(name)) {
    console.error(`bench: unknown benchmark '${name}' (available: ${available.join(', ')})`);
    process.exit(2);
  }
}
for (const name of chosen) {
  console.log(`\n=== bench ${name} ===`);
  const mod = (await import(`./${name}.ts`)) as { run: (flags: string[]) => Promise<void> };
  await mod.run(flags);
}
