import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Which module may import what (issue #18). no-restricted-imports matches the import string, so
 * each rule is a regex over relative paths; a folder name (demo, engine, contracts) is unique in
 * src/. Packages (node:, highs, zod, …) are not project imports and stay allowed, except in
 * src/contracts. test/ and bench/ may import anything. test/ci/import-rules.test.ts proves each
 * rule fires. In flat config a later block replaces a rule's options, so every block restates
 * the demo rule.
 */
const DEMO = {
  regex: '^(\\.\\./)+demo(/|$)',
  message: 'Only src/cli may import the demo (src/demo).',
};
/** Files that are data, not logic: exempt from the size rules. */
const DECLARATIVE = ['web/src/texts.ts'];

const boundaries = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: [...patterns, DEMO] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'data/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/demo/**'],
    rules: boundaries(),
  },
  {
    files: ['src/contracts/**/*.ts'],
    rules: boundaries({
      regex: '^(?!\\./(?!\\.)|zod(/|$))',
      message: 'src/contracts imports nothing: only its own files (./x.js) and zod.',
    }),
  },
  {
    files: ['src/disclosure/**/*.ts'],
    rules: boundaries({
      regex: '^\\.\\./(?!contracts/)',
      message: 'src/disclosure imports only src/contracts from the project.',
    }),
  },
  {
    // The LP worker pool and the parts' workers start their threads through the process
    // module's entry helper (how a child finds its compiled or tsx entry): process plumbing, not
    // a domain dependency.
    files: ['src/disclosure/lp-pool.ts', 'src/disclosure/parts.ts'],
    rules: boundaries({
      regex: '^\\.\\./(?!contracts/|process/child-entry\\.js$)',
      message: 'src/disclosure imports only src/contracts (and ../process/child-entry.js here).',
    }),
  },
  {
    files: ['src/api/**/*.ts'],
    rules: boundaries({
      regex: '^(\\.\\./)+engine/(?!index\\.js$)',
      message: 'src/api may use the engine only through src/engine/index.ts.',
    }),
  },
  {
    // Small modules and short functions (issue #18): a file over 400 lines or a function over 80
    // is split by what its parts do. Declarative data (the dashboard's texts) is exempt.
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: DECLARATIVE,
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The dashboard reads the contracts' types; a value import would bundle zod into the browser,
    // so values come only from the zod-free vocabulary files.
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'src/contracts/(?!(regions|indicators)\\.js$)',
              allowTypeImports: true,
              message:
                'web/src imports only types from src/contracts (values from its zod-free regions.js and indicators.js): a value import bundles zod.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
