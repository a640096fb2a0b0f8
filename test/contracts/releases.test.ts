import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ReleaseState as GovernanceReleaseState } from '../../src/governance/index.js';
import {
  PUBLIC_RELEASE_STATES,
  RELEASE_STATES,
  type ReleaseState,
} from '../../src/contracts/index.js';

describe('release states', () => {
  it('are the states governance stores (checked by the compiler)', () => {
    // governance/types.ts still spells the union; until it imports the contract, tsc holds them equal.
    expectTypeOf<GovernanceReleaseState>().toEqualTypeOf<ReleaseState>();
    expect(RELEASE_STATES).toEqual(['candidate', 'rejected', 'published', 'withdrawn']);
    expect(PUBLIC_RELEASE_STATES.every((s) => RELEASE_STATES.includes(s))).toBe(true);
  });
});
