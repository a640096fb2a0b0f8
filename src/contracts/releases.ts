/** Release states. */

/** Every state a release can be in: a candidate waits in the airlock. */
export const RELEASE_STATES = ['candidate', 'rejected', 'published', 'withdrawn'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** The states a consumer can see: a release that was once public. */
export const PUBLIC_RELEASE_STATES = ['published', 'withdrawn'] as const;
export type PublicReleaseState = (typeof PUBLIC_RELEASE_STATES)[number];
