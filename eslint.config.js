// Lint: the project's existing style from neostandard (standard: no semicolons, a space before
// function parens, two spaces; what js-libp2p uses), plus typescript-eslint's strict rules with type
// information. `npm run lint` runs it; `npm test` runs it after the typecheck, with no warnings
// allowed. Rules the tree does not meet yet are listed below, off, with their counts: each is a
// follow-up, not a style choice.
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

/**
 * Files other engineers are clearing of `any` in this same session (issue 14, branches n20, d21, r17,
 * f19): the strict src rules are off for exactly these, so the rules can be on for the rest of src
 * now. When those branches are merged, delete this list (and fix what is left in them).
 */

/** On for src/ (clear there), still off for test/, scripts/ and examples/ (see the counts below). */
const SRC_RULES = {
  '@typescript-eslint/no-explicit-any': 'error',
  '@typescript-eslint/no-unsafe-member-access': 'error',
  '@typescript-eslint/no-unsafe-assignment': 'error',
  '@typescript-eslint/no-unsafe-argument': 'error',
  '@typescript-eslint/no-unsafe-call': 'error',
  '@typescript-eslint/no-unsafe-return': 'error',
  '@typescript-eslint/no-non-null-assertion': 'error',
  // Numbers in template strings are fine here; anything else is said with String() or toString().
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
  '@typescript-eslint/use-unknown-in-catch-callback-variable': 'error',
  '@typescript-eslint/no-unnecessary-type-assertion': 'error',
  '@typescript-eslint/restrict-plus-operands': 'error',
  '@typescript-eslint/no-deprecated': 'error',
  '@typescript-eslint/prefer-promise-reject-errors': 'error',
  '@typescript-eslint/no-dynamic-delete': 'error',
  '@typescript-eslint/no-redundant-type-constituents': 'error', // 0 outside src; 1 in reputation/service.ts
  '@typescript-eslint/no-unsafe-class-instance-assignment': 'error' // 0 outside src; 1 in a2a/client.ts
}

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
      // Not met yet outside src/ (counts on 2026-11-28 over test, scripts, examples); on for src/ in
      // SRC_RULES below. Turn each on here when its count is zero.
      '@typescript-eslint/no-unsafe-member-access': 'off', // 989
      '@typescript-eslint/no-unsafe-assignment': 'off', // 409
      '@typescript-eslint/restrict-template-expressions': 'off', // 405 (with numbers allowed, as in src)
      '@typescript-eslint/no-explicit-any': 'off', // 232
      '@typescript-eslint/no-unsafe-argument': 'off', // 206
      '@typescript-eslint/no-unsafe-call': 'off', // 131
      '@typescript-eslint/no-non-null-assertion': 'off', // 81
      '@typescript-eslint/no-unsafe-return': 'off', // 46
      '@typescript-eslint/restrict-plus-operands': 'off', // 17
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off', // 12
      '@typescript-eslint/no-unnecessary-type-assertion': 'off', // 9
      '@typescript-eslint/no-deprecated': 'off', // 5: test/control-socket.test.ts records process.umask() on purpose
      '@typescript-eslint/prefer-promise-reject-errors': 'off', // 2
      '@typescript-eslint/no-dynamic-delete': 'off', // 1
      // Off everywhere (counts over src / the rest): defensive code or house style, not a follow-up yet.
      '@typescript-eslint/no-unnecessary-condition': 'off', // 46 / 27: checks of values typed but not checked at runtime (peer input, daemon replies)
      '@typescript-eslint/no-confusing-void-expression': 'off', // 28 / 38: `=> void` one-liners are the house style
      '@typescript-eslint/require-await': 'off', // 24 / 17: async handlers that happen not to await
      '@typescript-eslint/no-unnecessary-type-conversion': 'off', // 10 / 0: Number()/String() of remote values typed but not checked
      '@typescript-eslint/no-unnecessary-type-parameters': 'off', // 4 / 0: a type parameter a caller names for inference
      '@typescript-eslint/no-base-to-string': 'off', // 7 / 0: a peer's card fields and error frames printed as whatever they are
      '@typescript-eslint/no-invalid-void-type': 'off', // 2 / 0: a gated handler returns void or a refusal code
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'off', // 8 / 0: `isTTY === true` (undefined, not false, off a terminal), daemon replies
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
  { files: ['src/**/*.ts'], rules: SRC_RULES }
]
