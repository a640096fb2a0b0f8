/** The run memory budget: how a run's memory limit is split, and which limits are refused. */
import { describe, expect, it } from 'vitest';
import { instanceConfigSchema, runMemoryBudget } from '../../src/instance/index.js';
import { MINIMAL_CONFIG } from '../support/instances.js';

describe('the run memory budget', () => {
  it('splits the budget: 60 % for the heap, 25 % for DuckDB, the rest as headroom', () => {
    expect(runMemoryBudget('8GB')).toEqual({
      limit: '8GB',
      bytes: 8e9,
      heapMb: 4577,
      duckdbMemoryLimit: '1907MiB',
    });
    expect(runMemoryBudget('4GiB')).toMatchObject({ heapMb: 2457, duckdbMemoryLimit: '1024MiB' });
  });

  it('refuses a budget a run cannot work in, also in the instance configuration', () => {
    expect(() => runMemoryBudget('512MB')).toThrow(/too small: a run needs at least 1GiB/);
    expect(() => runMemoryBudget('lots')).toThrow(/give a size such as 8GB/);
    const config = MINIMAL_CONFIG;
    expect(instanceConfigSchema.parse(config).runMemoryLimit).toBe('8GB');
    expect(instanceConfigSchema.safeParse({ ...config, runMemoryLimit: '900MB' }).success).toBe(
      false,
    );
  });
});
