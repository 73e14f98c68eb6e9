// Lint: the project's existing style (standard: no semicolons, a space before function parens, two
// spaces; what js-libp2p uses) from neostandard, plus typescript-eslint's strict rules with types.
// `npm run lint` runs it; `npm test` runs it after the typecheck.
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  ...neostandard({ ts: true }),
  ...tseslint.configs.strictTypeChecked.map(c => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } }
  }
]
