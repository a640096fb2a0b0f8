/**
 * The size rules of eslint.config.js (issue #18) fire where they should: a file in src/ or
 * web/src/ over 400 lines and a function over 80 lines (blank lines and comments not counted) are
 * lint errors; the declarative texts and the tests are exempt. Through ESLint's Node API on the
 * real config, so a config edit that drops a rule or widens an exemption fails here.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function sizeErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.severity === 2 && m.ruleId?.startsWith('max-lines'))
    .map((m) => m.ruleId!);
}

/** A function of `body` statement lines, with blank lines and comments between them. */
function functionOf(body: number, padding = false): string {
  const lines = Array.from({ length: body }, (_, i) =>
    padding ? `  x += ${i};\n\n  // why\n` : `  x += ${i};`,
  );
  return `export function f(x: number): number {\n${lines.join('\n')}\n  return x;\n}\n`;
}

/** A file of `count` lines of short exported constants. */
function fileOf(count: number): string {
  return Array.from({ length: count }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n';
}

describe('the size rules', () => {
  // At the limit and one line over it: a function of 80 lines (the signature, 77 statements, the
  // return and the closing brace), a file of 400.
  it.each([
    ...['src/engine/example.ts', 'web/src/pages/Example.tsx'].map((file) => ({
      what: 'a function over 80 lines',
      file,
      atLimit: functionOf(77),
      over: functionOf(78),
      rule: 'max-lines-per-function',
    })),
    ...['src/governance/example.ts', 'web/src/components/Example.tsx'].map((file) => ({
      what: 'a file over 400 lines',
      file,
      atLimit: fileOf(400),
      over: fileOf(401),
      rule: 'max-lines',
    })),
  ])(
    'refuse $what in $file, and accept one at the limit',
    async ({ file, atLimit, over, rule }) => {
      expect(await sizeErrors(atLimit, file)).toEqual([]);
      expect(await sizeErrors(over, file)).toEqual([rule]);
    },
  );

  it('count neither blank lines nor comments in a function', async () => {
    // 77 statements, each followed by blank lines and a comment: 80 lines that count.
    expect(await sizeErrors(functionOf(77, true), 'src/engine/example.ts')).toEqual([]);
  });

  it('exempt the declarative texts and the tests', async () => {
    expect(await sizeErrors(fileOf(900), 'web/src/texts.ts')).toEqual([]);
    expect(await sizeErrors(fileOf(900) + functionOf(200), 'test/engine/example.test.ts')).toEqual(
      [],
    );
  });
});
