// Lint: typescript-eslint's type-checked rules, React's rules of hooks, and the process boundaries of the app
// (the renderer never reaches Node or Electron, the contract stays free of both, the engine never imports
// Electron or the console's services). Formatting is Prettier's alone (eslint-config-prettier switches off
// the rules that would disagree with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto'];

function forbid(patterns, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      // Methods that implement an async interface (handlers, secret stores) are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: forbid(
      [...nodeModules, 'electron', '**/electron/**'],
      'The renderer reaches the main process only through the contract.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // react-hook-form's register/handleSubmit and zustand's actions are bound functions, not methods.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // lib/ and ui/ are the renderer's toolbox: features and the store build on them, never the other way.
    files: ['renderer/src/lib/**/*.{ts,tsx}', 'renderer/src/ui/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: forbid(
      [...nodeModules, 'electron', '**/electron/**', '**/features/**', '**/store/**'],
      'lib/ and ui/ must not import features or the store: pass what they need in, or move the module.',
    ),
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: forbid(
      [...nodeModules, 'electron', 'react', '**/electron/**', '**/renderer/**'],
      'The contract is shared by both processes: no Node, Electron, React or process folders.',
    ),
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: forbid(
      ['electron', '**/services/**', '**/app/**', '**/ipc/**', '**/web/**', '**/renderer/**'],
      'The engine runs headless and talks to the console only through REST.',
    ),
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/engine/**'],
    rules: forbid(['**/renderer/**'], 'The main process never imports the renderer.'),
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', '**/*.test.{ts,tsx}'],
    rules: {
      // Suites load the built app from dist/ on purpose, to test what ships.
      '@typescript-eslint/no-require-imports': 'off',
      // Tests destructure helpers that are closures, not methods.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter, which must be an object pattern.
    files: ['tests/e2e/**/*.ts', 'tests/electron/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.{js,cjs,mjs,mts}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.cjs', 'scripts/**/*.js', 'bin/**/*.js', 'tests/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
