// Lint: the project's existing style from neostandard (standard: no semicolons, a space before
// function parens, two spaces; what js-libp2p uses), plus typescript-eslint's strict rules with type
// information. `npm run lint` runs it; `npm test` runs it after the typecheck, with no warnings
// allowed. Rules the tree does not meet yet are listed below, off, with their counts: each is a
// follow-up, not a style choice.
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

/** Files already free of `any` and unchecked casts (issue 14): kept that way. */
const TYPED = [
  'src/control/**', 'src/cli/**', 'src/mcp/**', 'src/config/load.ts', 'src/errors.ts', 'src/error-codes.ts',
  'src/node/json-stream.ts', 'src/node/frames.ts', 'src/a2a/frames.ts', 'src/a2a/view.ts', 'src/trust/frames.ts'
]

export default [
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  ...neostandard({ ts: true }),
  ...tseslint.configs.strictTypeChecked.map(c => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `void promise` is how this code says "deliberately not awaited".
      'no-void': ['error', { allowAsStatement: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Not met yet (count on 2026-11-28 over src, test, scripts, examples). Turn each on when its
      // count is zero; most go with issue 14's removal of `any` at the boundaries.
      '@typescript-eslint/no-unsafe-member-access': 'off', // 1247
      '@typescript-eslint/restrict-template-expressions': 'off', // 601: numbers in template strings are fine here
      '@typescript-eslint/no-unsafe-assignment': 'off', // 440
      '@typescript-eslint/no-explicit-any': 'off', // 347; on for TYPED below
      '@typescript-eslint/no-unsafe-argument': 'off', // 247
      '@typescript-eslint/no-unsafe-call': 'off', // 120
      '@typescript-eslint/no-non-null-assertion': 'off', // 93
      '@typescript-eslint/no-unnecessary-condition': 'off', // 72
      '@typescript-eslint/no-unsafe-return': 'off', // 65
      '@typescript-eslint/no-confusing-void-expression': 'off', // 58: `=> void` one-liners are the house style
      '@typescript-eslint/require-await': 'off', // 36: async handlers that happen not to await
      '@typescript-eslint/no-unnecessary-type-assertion': 'off', // 18
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off', // 17
      '@typescript-eslint/restrict-plus-operands': 'off', // 15
      '@typescript-eslint/no-unnecessary-type-conversion': 'off', // 8
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'off', // 8
      '@typescript-eslint/no-deprecated': 'off', // 3 (+ every unchecked jsonStream read() until converted)
      '@typescript-eslint/no-unnecessary-type-parameters': 'off', // 3
      '@typescript-eslint/no-base-to-string': 'off', // 2
      '@typescript-eslint/no-invalid-void-type': 'off', // 2
      '@typescript-eslint/no-misused-spread': 'off', // 1
      '@typescript-eslint/no-redundant-type-constituents': 'off', // 1
      '@typescript-eslint/no-dynamic-delete': 'off', // 1
      '@typescript-eslint/no-unnecessary-type-arguments': 'off', // 1
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off', // 1
      '@typescript-eslint/prefer-promise-reject-errors': 'off', // 1
      // Tables (lookalike characters, fixtures) are laid out several properties to a line on purpose.
      '@stylistic/object-property-newline': 'off'
    }
  },
  {
    // node:test runs and awaits every test() itself.
    files: ['test/**/*.ts'],
    rules: {
      // Tests write control characters to prove they never reach a terminal.
      'no-control-regex': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }]
    }
  },
  {
    files: TYPED,
    rules: { '@typescript-eslint/no-explicit-any': 'error', '@typescript-eslint/no-unsafe-member-access': 'error', '@typescript-eslint/no-unsafe-assignment': 'error', '@typescript-eslint/no-unsafe-argument': 'error', '@typescript-eslint/no-unsafe-call': 'error', '@typescript-eslint/no-unsafe-return': 'error' }
  }
]
