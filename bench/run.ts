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
// `--scale 0.005` and `--scale=0.005` alike: a word after a flag without `=` is its value,
// unless it names a benchmark. Benchmarks read flags as `--name=value`.
const names: string[] = [];
const flags: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  const next = argv[i + 1];
  if (!a.startsWith('--')) names.push(a);
  else if (
    !a.includes('=') &&
    next !== undefined &&
    !next.startsWith('--') &&
    !available.includes(next)
  ) {
    flags.push(`${a}=${next}`);
    i++;
  } else flags.push(a);
}
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
