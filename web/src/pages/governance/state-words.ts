/**
 * The page's words for release and run states, keyed by the contracts' state types: a state added
 * in src/contracts fails to compile here until it has its words in both languages.
 */
import type { ReleaseState, RunState } from '../../../../src/contracts/index.js';
import type { Key } from '../../texts.js';

export const RELEASE_STATE_WORDS: Readonly<Record<ReleaseState, Key>> = {
  candidate: 'govStatecandidate',
  rejected: 'govStaterejected',
  published: 'govStatepublished',
  withdrawn: 'govStatewithdrawn',
};

export const RUN_STATE_WORDS: Readonly<Record<RunState, Key>> = {
  running: 'govRunStaterunning',
  interrupted: 'govRunStateinterrupted',
  failed: 'govRunStatefailed',
  candidate: 'govRunStatecandidate',
  refused: 'govRunStaterefused',
};
