import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ReleaseState as GovernanceReleaseState } from '../../src/governance/index.js';
import {
  isPublicReleaseState,
  PUBLIC_RELEASE_STATES,
  RELEASE_STATE_RULES,
  RELEASE_STATES,
  releaseMayMove,
  type ReleaseState,
} from '../../src/contracts/index.js';

describe('release states', () => {
  it('are the states governance stores (checked by the compiler)', () => {
    expectTypeOf<GovernanceReleaseState>().toEqualTypeOf<ReleaseState>();
    expect(RELEASE_STATES).toEqual(['candidate', 'rejected', 'published', 'withdrawn']);
    expect(Object.keys(RELEASE_STATE_RULES).sort()).toEqual([...RELEASE_STATES].sort());
  });

  it('are public once published: consumers see published and withdrawn releases only', () => {
    expect(PUBLIC_RELEASE_STATES).toEqual(['published', 'withdrawn']);
    expect(RELEASE_STATES.filter(isPublicReleaseState)).toEqual(PUBLIC_RELEASE_STATES);
  });

  it('freeze exactly the states whose rows the store triggers freeze', () => {
    // src/store/migrations.ts freezes published and withdrawn rows; a new frozen state needs a
    // migration of those triggers, so this fails until one is written.
    expect(RELEASE_STATES.filter((s) => RELEASE_STATE_RULES[s].frozen)).toEqual([
      'published',
      'withdrawn',
    ]);
  });

  it('move only along the airlock: candidate → rejected | published → withdrawn', () => {
    const allowed = new Set(['candidate→rejected', 'candidate→published', 'published→withdrawn']);
    for (const from of RELEASE_STATES) {
      for (const to of RELEASE_STATES) {
        expect(releaseMayMove(from, to), `${from}→${to}`).toBe(allowed.has(`${from}→${to}`));
      }
    }
  });
});
