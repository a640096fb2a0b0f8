import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdcCheck } from '../../src/cli/commands/sdc.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'sdc-cli-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const relations = write('rel.csv', 'total;parts\nT;A+B+C+D\n');

describe('samenzicht sdc check', () => {
  it('audits a given pattern: one suppressed cell alone is recomputed exactly and named', async () => {
    const cells = write(
      'a.csv',
      'cell;value;status\nT;40;published\nA;3;suppressed\nB;8;published\nC;12;published\nD;17;published\n',
    );
    const lines: string[] = [];
    const { report } = await sdcCheck(
      cells,
      { relations, kind: 'frequency', minFrequency: '5', minRange: '10' },
      (l) => lines.push(l),
    );
    expect(report.passed).toBe(false);
    expect(lines).toContain('  FAIL table/0/A: attacker interval [3, 3], needs width 10');
    const code = await main([
      'node',
      'samenzicht',
      'sdc',
      'check',
      cells,
      '--relations',
      relations,
      '--min-frequency',
      '5',
      '--min-range',
      '10',
    ]);
    expect(code).toBe(1);
    process.exitCode = 0;
  });

  it('protects a table without a status column and passes its audit', async () => {
    const cells = write('b.csv', 'cell;value\nT;40\nA;3\nB;8\nC;12\nD;17\n');
    const lines: string[] = [];
    const { report, cells: out } = await sdcCheck(
      cells,
      { relations, kind: 'frequency', minFrequency: '5', minRange: '10' },
      (l) => lines.push(l),
    );
    expect(report.passed).toBe(true);
    expect(out.map((c) => c.status)).toEqual([
      'published',
      'suppressed-primary',
      'suppressed-secondary',
      'published',
      'published',
    ]);
    expect(lines[0]).toBe('protected: 1 primary, 1 secondary suppressions (cost 8)');
  });

  it('names file, row and field on bad input (exit 2)', async () => {
    const bad = write('c.csv', 'cell;value\nT;40\nA;-3\n');
    await expect(sdcCheck(bad, { relations, kind: 'frequency' }, () => undefined)).rejects.toThrow(
      `${bad} row 3: field 'value' must be a non-negative number, got '-3'`,
    );
    const rel = write('r2.csv', 'total;parts\nT;A+Z\n');
    const ok = write('d.csv', 'cell;value\nT;40\nA;40\n');
    await expect(
      sdcCheck(ok, { relations: rel, kind: 'frequency' }, () => undefined),
    ).rejects.toThrow(`${rel} row 2: field 'parts': unknown cell 'Z'`);
    const code = await main(['node', 'samenzicht', 'sdc', 'check', bad, '--relations', relations]);
    expect(code).toBe(2);
  });
});
