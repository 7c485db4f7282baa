// Lint rules for the Forge's TypeScript: typescript-eslint's recommended set, type-aware where it
// finds real bugs (floating promises, misused promises). Formatting is Prettier's job.
// Imports between the folders of tools/src (a folder's index.ts is its face; no cycles) are checked
// by test/shape/import-graph.test.ts, not here: no-restricted-imports sees no `import()` and takes
// no per-import exception, and the allowed list needs both.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'tools/dist/**',
      'tools/example/**',
      'tmp/**',
      '.tools/**',
      'forge/synthesis/**',
      'extensions/**',
      'core/**',
      'test/**/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
