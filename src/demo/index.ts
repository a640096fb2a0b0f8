/** The demo: a script over the product path (src/demo/demo.ts), with its parties (parties.ts). */
export * from './demo.js';
export * from './parties.js';
