import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../support/cli.js';
import { main } from '../../src/cli/main.js';
import { CATALOGUE, describeIndicator, getIndicator } from '../../src/indicators/index.js';

/** `samenzicht indicators ARGS` through the CLI entry. */
const indicators = (args: string[]) => main(['node', 'samenzicht', 'indicators', ...args]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('samenzicht indicators', () => {
  it('list prints one line per indicator', async () => {
    const c = capture();
    expect(await indicators(['list'])).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(CATALOGUE.length);
    expect(lines[0]).toMatch(/^inwoners\s+context\s+count\s+Inwoners$/);
  });

  it('show --json prints the definition with its methodology as JSON', async () => {
    const c = capture();
    expect(await indicators(['show', 'hennepkwekerijen_per_10000_woningen', '--json'])).toBe(0);
    const d = JSON.parse(c.out()) as {
      kind: string;
      denominator: { dataset: string };
      method: { rounding: { nl: string } };
    };
    expect(d.kind).toBe('rate_per_10000');
    expect(d.denominator.dataset).toBe('kadaster_woningen');
    expect(d.method.rounding.nl).toContain('afgeronde teller en noemer');
  });

  it('show prints what counts, what is left out, the rounding and the region, as the API does', async () => {
    const c = capture();
    expect(await indicators(['show', 'jeugdige_drugsverdachten_pct'])).toBe(0);
    const text = c.out();
    const api = describeIndicator(getIndicator('jeugdige_drugsverdachten_pct')).methodology.nl;
    for (const paragraph of api.split('\n\n')) expect(text).toContain(paragraph);
    expect(text).toContain('Zo wordt 13 van 57 (22,81%) gepubliceerd als 15 van 55, dus 27,27%.');
    expect(text).toContain('onbekende buurtcode');
    const en = capture();
    await indicators(['show', 'jeugdige_drugsverdachten_pct', '--lang', 'en']);
    expect(en.out()).toContain('So 13 of 57 (22.81%) is published as 15 of 55, that is 27.27%.');
  });

  it('explain prints sources, SQL and its parameters', async () => {
    const c = capture();
    expect(await indicators(['explain', 'witwasgevoelige_vestigingen_pct'])).toBe(0);
    expect(c.out()).toContain('kvk_vestigingen (kvk)');
    expect(c.out()).toContain('GROUP BY GROUPING SETS');
    expect(c.out()).toContain('"9602"');
  });

  it('an unknown id is a usage error (exit 2)', async () => {
    const c = capture();
    expect(await indicators(['explain', 'nope'])).toBe(2);
    expect(c.err()).toContain("unknown indicator 'nope'");
  });
});
