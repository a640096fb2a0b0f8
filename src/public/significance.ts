/**
 * The significance tests of the zoekgebieden: the exact one-sided binomial tail and
 * Benjamini–Hochberg q-values. Pure.
 */

// ── the exact binomial tail ───────────────────────────────────────────────────────────────────

const LN_2PI = Math.log(2 * Math.PI);

/** log(k!) for small k, summed exactly enough for stirlerr's table range. */
function logFactorialSmall(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** Stirling's error log(n!) − log(√(2π) n^(n+½) e^(−n)) (Loader 2000), for integers n ≥ 1. */
function stirlerr(n: number): number {
  if (n <= 15) return logFactorialSmall(n) - (n + 0.5) * Math.log(n) + n - 0.5 * LN_2PI;
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** x log(x / m) + m − x without cancellation when x ≈ m (Loader's bd0). */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * log P(X = k) for X ~ Bin(n, p), 0 < p < 1, by Loader's saddle-point form: accurate to a few
 * ulps also for n in the millions, where log-gamma differences lose digits.
 */
export function binomialLogPmf(k: number, n: number, p: number): number {
  const q = 1 - p;
  if (k < 0 || k > n) return -Infinity;
  if (k === 0) return n === 0 ? 0 : p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  if (k === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q);
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n);
  return lc - 0.5 * lf;
}

/**
 * Sums pmf terms from `start` outwards, away from the mode, where they fall: returns the log of
 * the sum. `ratio(k)` is pmf(next) / pmf(k). Stops when the geometric bound on the rest is
 * negligible: a few times √(n p (1 − p)) terms near the mode, fewer in the tails.
 */
function logTailSum(
  logFirst: number,
  start: number,
  end: number,
  step: 1 | -1,
  ratio: (k: number) => number,
): number {
  let sum = 1;
  let term = 1;
  for (let k = start; k !== end; k += step) {
    const r = ratio(k);
    term *= r;
    sum += term;
    // Past the mode r < 1 and falls further, so the rest is below term · r / (1 − r).
    if (r < 1 && (term * r) / (1 - r) <= 1e-17 * sum) break;
    if (term === 0) break;
  }
  return logFirst + Math.log(sum);
}

/**
 * P(X ≥ x) for X ~ Bin(n, p): the exact one-sided binomial p-value of x successes out of n.
 * Sums the pmf from the side of x away from the mode (no normal approximation, no cancellation:
 * the complement is taken only when x is at or below the mode, where the tail is not small).
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const odds = p / (1 - p);
  const mode = Math.floor((n + 1) * p);
  if (x > mode) {
    const log = logTailSum(binomialLogPmf(x, n, p), x, n, 1, (k) => ((n - k) / (k + 1)) * odds);
    return Math.min(1, Math.exp(log));
  }
  const lower = logTailSum(
    binomialLogPmf(x - 1, n, p),
    x - 1,
    0,
    -1,
    (k) => k / (n - k + 1) / odds,
  );
  return Math.min(1, Math.max(0, 1 - Math.exp(lower)));
}

// ── Benjamini–Hochberg ──────────────────────────────────────────────────────────────────────

/**
 * BH-adjusted p-values (q-values), in the order given: q_(i) = min over j ≥ i of m p_(j) / j,
 * at most 1. A test is a discovery at level q exactly when its q-value is ≤ q (the step-up rule).
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1]!;
    // p · (m / rank), not (p · m) / rank: m / rank ≥ 1 keeps q ≥ p also in floating point.
    running = Math.min(running, pValues[i]! * (m / rank));
    out[i] = running;
  }
  return out;
}
