import { DEFAULT_PROFILES, type RuleProfile } from '../disclosure/index.js';

/** The disclosure rules of each indicator: the default profile its definition names. */
export function profilesOf(
  indicators: readonly { id: string; disclosure: string }[],
): Record<string, RuleProfile> {
  return Object.fromEntries(
    indicators.map((d) => [d.id, DEFAULT_PROFILES[d.disclosure as keyof typeof DEFAULT_PROFILES]]),
  );
}
