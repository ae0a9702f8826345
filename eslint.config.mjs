// Type-aware lint: the rules that catch queue bugs (a forgotten await acknowledges a message
// before its effect is done; an async callback where a sync one is expected swallows errors).
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/dist/**',
      'examples/**',
      'libs/prisma/src/generated/**',
      'node_modules/**',
      'coverage/**',
      '**/*.mjs',
      '**/*.js',
      'prisma.config.ts',
    ],
  },
  // The scripts (local services, start, demo, benchmarks, packaging) are linted too, with types from
  // scripts/tsconfig.json; tools/ is TypeScript, linted with the rest.
  { ignores: ['!scripts/**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  // Formatting is Prettier's (npm run lint runs `prettier --check`): no ESLint rule fights it.
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The Discord stand-in (tools/) is a development tool: runtime code must not depend on it.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@discord-backbone/discord-standin', '**/tools/**'],
              message: 'The Discord stand-in is a development tool, not a runtime dependency.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript has no declared types, so every parameter is `any`: the no-unsafe-* rules
    // would flag each use. The rules that catch real bugs (floating and misused promises, unused
    // variables, awaiting non-promises) still apply.
    files: ['scripts/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Libraries take their settings as module options: only the apps and their composition
    // (libs/runtime) read this repo's environment.
    files: ['libs/**/*.ts'],
    ignores: ['libs/config/**', 'libs/runtime/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@discord-backbone/config',
              importNames: ['Environment', 'loadEnvironment', 'validateEnvironment', 'AppConfigModule'],
              message:
                'Libraries take their settings as module options; the apps and libs/runtime fill them from the Environment.',
            },
          ],
        },
      ],
    },
  },
);
