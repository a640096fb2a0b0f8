/**
 * The import boundaries of eslint.config.js (issue #18) fire: each rule rejects a wrong-way
 * import and accepts the right-way one, through ESLint's Node API on the real config.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.endsWith('no-restricted-imports') && m.severity === 2)
    .map((m) => m.message);
}

const CASES: {
  rule: string;
  file: string;
  wrong: string[];
  right: string[];
}[] = [
  {
    rule: 'src/contracts imports nothing',
    file: 'src/contracts/example.ts',
    wrong: [
      "import { x } from '../regions/index.js';",
      "import { x } from 'node:crypto';",
      "import { x } from 'fastify';",
      "import { x } from './../engine/index.js';",
    ],
    right: ["import { x } from './regions.js';", "import { z as x } from 'zod';"],
  },
  {
    rule: 'src/disclosure imports only src/contracts',
    file: 'src/disclosure/example.ts',
    wrong: [
      "import { x } from '../engine/index.js';",
      "import type { x } from '../regions/types.js';",
      "import { x } from '../process/child-entry.js';",
    ],
    right: [
      "import { x } from '../contracts/index.js';",
      "import { x } from './model.js';",
      "import { x } from 'highs';",
    ],
  },
  {
    rule: 'the LP pool may use the process entry helper, and nothing else',
    file: 'src/disclosure/lp-pool.ts',
    wrong: ["import { x } from '../process/index.js';", "import { x } from '../engine/index.js';"],
    right: ["import { x } from '../process/child-entry.js';"],
  },
  {
    rule: 'src/api imports no engine internals',
    file: 'src/api/releases/example.ts',
    wrong: [
      "import { x } from '../../engine/plan.js';",
      "import { x } from '../../engine/session.js';",
    ],
    right: [
      "import { x } from '../../engine/index.js';",
      "import { x } from '../../contracts/index.js';",
    ],
  },
  {
    rule: 'nothing but src/cli imports the demo',
    file: 'src/pipeline/example.ts',
    wrong: ["import { x } from '../demo/index.js';", "import { x } from '../demo/parties.js';"],
    right: ["import { x } from '../engine/index.js';"],
  },
  {
    rule: 'the demo rule holds inside the other boundaries too',
    file: 'src/api/example.ts',
    wrong: ["import { x } from '../demo/index.js';"],
    right: ["import { x } from '../regions/index.js';"],
  },
  {
    rule: 'the dashboard imports only types from the contracts (no zod in the bundle)',
    file: 'web/src/pages/example.tsx',
    wrong: [
      "import { x } from '../../../src/contracts/index.js';",
      "import { x } from '../../../src/contracts/releases.js';",
    ],
    right: [
      "import type { x } from '../../../src/contracts/index.js';",
      "import { x } from '../../../src/contracts/regions.js';",
      "import { x } from '../../../src/contracts/indicators.js';",
    ],
  },
  {
    rule: 'src/cli may import the demo',
    file: 'src/cli/commands/example.ts',
    wrong: [],
    right: ["import { x } from '../../demo/index.js';"],
  },
  {
    rule: 'tests may import the demo',
    file: 'test/pipeline/example.test.ts',
    wrong: [],
    right: ["import { x } from '../../src/demo/index.js';"],
  },
];

describe('import boundaries (eslint no-restricted-imports)', () => {
  for (const c of CASES) {
    describe(c.rule, () => {
      for (const code of c.wrong) {
        it(`rejects ${code} in ${c.file}`, async () => {
          expect(await boundaryErrors(code, c.file)).toHaveLength(1);
        });
      }
      for (const code of c.right) {
        it(`accepts ${code} in ${c.file}`, async () => {
          expect(await boundaryErrors(code, c.file)).toEqual([]);
        });
      }
    });
  }
});
