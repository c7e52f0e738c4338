import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'src/suite/suite.types.ts'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  // Small functions with one job each: the flow of a run reads top to bottom.
  { files: ['src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 60 }] } },
);
