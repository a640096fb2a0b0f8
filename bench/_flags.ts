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

/** `--name=value` of a benchmark's flags: the value, or undefined when absent. */
export function flag(flags: string[], name: string): string | undefined {
  const f = flags.find((x) => x.startsWith(`--${name}=`));
  return f?.slice(name.length + 3);
}
