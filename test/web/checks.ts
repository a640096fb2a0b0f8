/**
 * Checks every browser test of the dashboard makes on a page: axe-core, the words a reader and a
 * screen reader get, and horizontal overflow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './build.js';

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA plus best practices) and returns readable violations. */
export async function axe(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) stays in force.
  await p.evaluate(AXE_SOURCE);
  const violations = (await p.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then(r => r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  return violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')})`,
  );
}

/** Every word a reader or a screen reader gets: text (also visually hidden) and accessible names. */
export async function words(p: Page): Promise<string> {
  return (await p.evaluate(`(() => {
    const parts = [document.body.textContent || ''];
    for (const el of document.querySelectorAll('[aria-label], [title], [alt]'))
      for (const a of ['aria-label', 'title', 'alt']) parts.push(el.getAttribute(a) || '');
    return parts.join('\\n');
  })()`)) as string;
}

/** How far the page is wider than the window (0: no sideways scrolling). */
export async function overflow(p: Page): Promise<number> {
  return (await p.evaluate('document.scrollingElement.scrollWidth - window.innerWidth')) as number;
}

/** The JSON body of the POST to a URL ending in `urlEnd` that `submit` makes the page send. */
export async function postedJson(
  p: Page,
  urlEnd: string,
  submit: () => Promise<void>,
): Promise<unknown> {
  const posted = p.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(urlEnd));
  await submit();
  return JSON.parse((await posted).postData() ?? '{}');
}
