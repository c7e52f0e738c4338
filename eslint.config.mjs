import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'src/suite/suite.types.ts', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      // Indexed access is checked (noUncheckedIndexedAccess): `!` marks the places where the code knows better.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowRegExp: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // Leaving members out by destructuring them away.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      // Handlers assigned once the server they belong to listens.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Terminal escapes and control characters are what the redaction and printing code looks for.
      'no-control-regex': 'off',
    },
  },
  // vitest's asymmetric matchers (expect.any, expect.stringContaining, …) are typed any.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-unsafe-assignment': 'off' } },
  // Small functions with one job each: the flow of a run reads top to bottom.
  { files: ['src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 60 }] } },
);
