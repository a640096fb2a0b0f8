/**
 * Who may do what, as the commands' help says it: read from the policy table
 * (src/governance/policy.ts), never restated here, so the help follows the table.
 */
import { POLICY, type Action, type Rule } from '../../governance/index.js';

/** The roles that may do `action`, e.g. `broker, board`. */
export function whoMay(action: Action): string {
  const who = POLICY[action].who;
  if (who === 'public') return 'anyone';
  if (who === 'authenticated') return 'any logged-in user';
  return who.join(', ');
}

/** A command's description followed by who may do its action: `list users (broker, board)`. */
export const describeFor = (text: string, action: Action): string => `${text} (${whoMay(action)})`;

/** The finer rule of `action` in the policy table, e.g. `providers see their own`. */
export function finerRule(action: Action): string {
  const rule: Rule = POLICY[action];
  if (rule.rule === undefined) throw new Error(`internal: ${action} has no finer rule`);
  return rule.rule;
}
