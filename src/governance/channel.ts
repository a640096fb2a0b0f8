/**
 * The channel through which an audited action came: every audit entry records it next to the
 * authenticated user. A request runs inside `withChannel`; the API sets the channel once it knows
 * how the caller authenticated, so the domain records it without every method passing it on.
 *
 * - `dashboard`: a session cookie from a password login; `oidc`: one from an OIDC login;
 * - `api`: an API token; `cli`: an API token from `samenzicht` (the client says so in
 *   `x-samenzicht-channel: cli`; the token, not the header, says who it is);
 * - `host`: a command run on the broker's host itself (`init`, `audit verify --data`);
 * - `system`: the broker on its own (start-up recovery, retention, a run's own steps).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import { CHANNELS, type Channel } from '../contracts/index.js';

export { CHANNELS, type Channel };

const current = new AsyncLocalStorage<{ channel: Channel }>();

/** Runs `fn` (and everything it starts) as actions of `channel`. */
export function withChannel<T>(channel: Channel, fn: () => T): T {
  return current.run({ channel }, fn);
}

/** Sets the channel of the surrounding `withChannel` (a request whose caller is now known). */
export function setChannel(channel: Channel): void {
  const store = current.getStore();
  if (store) store.channel = channel;
}

/** The channel of the action being done now; `system` outside any request or command. */
export function currentChannel(): Channel {
  return current.getStore()?.channel ?? 'system';
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}
