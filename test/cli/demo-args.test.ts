import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseHost } from '../../src/cli/options.js';
import { LOOPBACK, startServer } from '../../src/pipeline/serve.js';
import { loadRegionSet } from '../../src/regions/index.js';
import {
  defaultAreaFor,
  scaleFor,
  scopeFromOptions,
  DEFAULT_AREA,
} from '../../src/cli/commands/demo.js';

/** Runs the CLI in process and returns its exit code and what it wrote to stderr. */
async function run(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'samenzicht', ...args]);
    return { code, stderr };
  } finally {
    spy.mockRestore();
  }
}

let busy: Server;
let busyPort: number;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '0.0.0.0', () => r()));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => busy.close());

describe('samenzicht demo: bad arguments give one clear line and a non-zero exit', () => {
  const out = mkdtempSync(join(tmpdir(), 'samenzicht-cli-'));
  /** `samenzicht demo ARGS --out DIR --no-serve` (into `out` unless another folder is given). */
  const demoInto = (dir: string, ...args: string[]) =>
    run('demo', ...args, '--out', dir, '--no-serve');

  it.each([
    [['--scale', 'abc'], /--scale 'abc' is not a number/],
    [['--scale', '2'], /--scale 2 is out of range; use 0\.001 to 1/],
    [['--scale', '0'], /--scale 0 is out of range/],
    [['--port', '70000'], /--port '70000' must be a TCP port/],
    [['--seed', '-1'], /--seed '-1' must be a whole number/],
    [
      ['--area', 'Haarlem'],
      /--area 'Haarlem': 'HAARLEM' is not NL, VR \+ 2 digits or GM \+ 4 digits/,
    ],
    [['--area', 'NL,VR11'], /--area 'NL,VR11': NL stands alone/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await demoInto(out, ...args);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('a regions directory that does not exist', async () => {
    const { code, stderr } = await demoInto(out, '--regions', '/nonexistent/regions');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('/nonexistent/regions');
  });

  it('a port already in use, before any work is done', async () => {
    const { code, stderr } = await run('demo', '--port', String(busyPort), '--out', out);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `samenzicht: port ${busyPort} is already in use; choose another with --port`,
    );
  });

  it('an output directory that is not writable', async () => {
    const file = join(out, 'a-file');
    writeFileSync(file, 'x');
    const { code, stderr } = await demoInto(file);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`samenzicht: --out ${file} is a file, not a directory`);
    if (process.getuid?.() !== 0) {
      const locked = join(out, 'locked');
      writeFileSync(join(out, 'x'), '');
      chmodSync(out, 0o500);
      const r = await demoInto(locked);
      chmodSync(out, 0o700);
      expect(r.code).toBe(2);
    }
  });

  it('a non-empty directory that the demo did not make, which it never clears', async () => {
    const other = mkdtempSync(join(tmpdir(), 'samenzicht-other-'));
    writeFileSync(join(other, 'precious.txt'), 'keep me');
    const { code, stderr } = await demoInto(other);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `samenzicht: ${other} is not empty and was not made by the demo; choose an empty directory with --out`,
    );
    expect(readFileSync(join(other, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('an unknown indicator in --indicators or --detail', async () => {
    const { code, stderr } = await demoInto(out, '--detail', 'bestaat_niet');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/--detail: unknown indicator\(s\) bestaat_niet/);
  });

  it('an area code the region set does not have, before any data is generated', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'samenzicht-area-'));
    const { code, stderr } = await demoInto(fresh, '--area', 'GM0392,GM9999');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /^samenzicht: --area: GM9999 is not a gemeente or veiligheidsregio of the region set/,
    );
    expect(stderr).not.toContain('Synthetic registers');
  });

  it('a --host that is not an IP address', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'samenzicht-cli-host-'));
    const { code, stderr } = await run('demo', '--host', 'everywhere', '--out', fresh);
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      "samenzicht: --host 'everywhere' must be an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)",
    );
  });

  it('an unknown option or command', async () => {
    expect((await run('demo', '--bogus')).code).toBe(2);
    expect((await run('bogus')).code).toBe(2);
  });
});

describe('samenzicht demo: defaults', () => {
  it('publishes every level and the breakdowns unless told otherwise', () => {
    expect(scopeFromOptions({})).toEqual({
      indicators: undefined,
      detail: 'all',
      breakdowns: true,
    });
    expect(scopeFromOptions({ detail: 'none', breakdowns: false })).toEqual({
      indicators: undefined,
      detail: [],
      breakdowns: false,
    });
    expect(scopeFromOptions({ detail: 'inwoners' }).detail).toEqual(['inwoners']);
  });

  it('generates the default area at its full population; the whole country at 1%', () => {
    expect(defaultAreaFor({ source: { kind: 'cbs' } })).toBe(DEFAULT_AREA);
    expect(defaultAreaFor({ source: { kind: 'synthetic' } })).toBe('NL');
    expect(scaleFor(DEFAULT_AREA, undefined)).toBe(1);
    expect(scaleFor('NL', undefined)).toBe(0.01);
    expect(scaleFor('NL', 0.002)).toBe(0.002);
  });
});

describe('samenzicht serve listens on this machine only unless told otherwise', () => {
  it('binds to loopback by default, and to the address given', async () => {
    const regions = await loadRegionSet(null);
    for (const [host, expected] of [
      [undefined, '127.0.0.1'],
      ['0.0.0.0', '0.0.0.0'],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-serve-'));
      const server = await startServer({
        dataDir,
        regions,
        port: 0,
        ...(host ? { host } : {}),
        publicBaseUrl: 'http://localhost:8080',
      });
      try {
        expect((server.app.server.address() as AddressInfo).address).toBe(expected);
      } finally {
        await server.close();
      }
    }
    expect(parseHost(undefined)).toBe(LOOPBACK);
  });
});
