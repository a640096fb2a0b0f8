/** The demo: a script over the product path (src/demo/demo.ts), its directory
 * (directory.ts), its targets (targets.ts), with its parties (parties.ts). */
export * from './demo.js';
export * from './directory.js';
export * from './targets.js';
export * from './parties.js';
