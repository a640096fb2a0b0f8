/** The basis a Poisson reading reports: the observed count, the expected one and their z. */
export const poissonBasis = (observed: number, expected: number) => ({
  kind: 'poisson',
  observed,
  expected,
  z: (observed - expected) / Math.sqrt(expected),
});
