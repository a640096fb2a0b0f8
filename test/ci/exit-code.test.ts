/**
 * CI runs this file once more with SAMENZICHT_CI_FAILING_TEST=1 and expects the run to exit
 * non-zero: a test runner (or a plugin of it) that turns failures into exit code 0 would let every
 * later failure pass CI unseen. Without the variable it passes.
 */
import { expect, it } from 'vitest';

it('fails on request, so that CI can check that a failing run exits non-zero', () => {
  const asked = process.env['SAMENZICHT_CI_FAILING_TEST'] === '1';
  expect(asked ? 'a failing test' : 'a passing test').toBe('a passing test');
});
