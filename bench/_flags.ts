/** `--name=N` of a benchmark's flags: a positive number, or the fallback when absent. */
export function positiveFlag(
  bench: string,
  flags: string[],
  name: string,
  fallback: number,
): number {
  const f = flags.find((x) => x.startsWith(`--${name}=`));
  const v = f ? Number(f.split('=')[1]) : fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`bench ${bench}: --${name} must be a positive number`);
  return v;
}
