/** moduleEntry: one entry for a child module, under tsx (the .ts source) and from dist. */
import { describe, expect, it } from 'vitest';
import { moduleEntry, nodeFlagsFor } from '../../src/process/child-entry.js';

describe('moduleEntry', () => {
  it('is the .ts source under tsx and the compiled .js from dist', () => {
    const src = moduleEntry('file:///app/src/pipeline/run-process.ts', './run-child.js');
    expect(src).toMatchObject({ path: '/app/src/pipeline/run-child.ts', typescript: true });
    expect(nodeFlagsFor(src, ['--max-old-space-size=100'])).toEqual([
      '--import',
      expect.stringMatching(/^file:.*tsx\/dist\/loader\.mjs$/),
      '--max-old-space-size=100',
    ]);
    const dist = moduleEntry('file:///app/dist/pipeline/run-process.js', './run-child.js');
    expect(dist).toMatchObject({ path: '/app/dist/pipeline/run-child.js', typescript: false });
    expect(nodeFlagsFor(dist)).toEqual([]);
    expect(() => moduleEntry(import.meta.url, 'run-child')).toThrow(/relative path ending in .js/);
  });
});
