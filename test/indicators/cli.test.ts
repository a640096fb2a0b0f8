import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CATALOGUE } from '../../src/indicators/index.js';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('samenzicht indicators', () => {
  it('list prints one line per indicator', async () => {
    const c = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'list'])).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(CATALOGUE.length);
    expect(lines[0]).toMatch(/^inwoners\s+context\s+count\s+Inwoners$/);
  });

  it('show prints the definition as JSON', async () => {
    const c = capture();
    expect(
      await main([
        'node',
        'samenzicht',
        'indicators',
        'show',
        'hennepkwekerijen_per_10000_woningen',
      ]),
    ).toBe(0);
    const d = JSON.parse(c.out()) as { kind: string; denominator: { dataset: string } };
    expect(d.kind).toBe('rate_per_10000');
    expect(d.denominator.dataset).toBe('kadaster_woningen');
  });

  it('explain prints sources, SQL and its parameters', async () => {
    const c = capture();
    expect(
      await main([
        'node',
        'samenzicht',
        'indicators',
        'explain',
        'witwasgevoelige_vestigingen_pct',
      ]),
    ).toBe(0);
    expect(c.out()).toContain('kvk_vestigingen (kvk)');
    expect(c.out()).toContain('GROUP BY GROUPING SETS');
    expect(c.out()).toContain('"9602"');
  });

  it('an unknown id is a usage error (exit 2)', async () => {
    const c = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'explain', 'nope'])).toBe(2);
    expect(c.err()).toContain("unknown indicator 'nope'");
  });
});
