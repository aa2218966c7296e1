// Lint: TypeScript rules plus the layering of docs/architecture.md, so a wrong import fails CI.
//   engine/ and db/  never import electron or React; only engine/exchange imports ccxt
//   renderer/        imports only the contract (engine/api) — never engine internals, db, electron or Node
//   electron/        imports the host and the contract
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'better-sqlite3', 'ccxt', 'piscina', 'ws'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**', 'scripts/**', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['engine/**/*.ts', 'db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'engine/ and db/ never import electron (docs/architecture.md, Layering).' },
            { group: ['react', 'react-dom', 'react/*', 'zustand', 'lightweight-charts'], message: 'engine/ and db/ never import UI libraries.' },
            { group: ['**/renderer/**', '**/electron/**'], message: 'engine/ and db/ never import the UI or the Electron layer.' },
            { group: ['ccxt', 'ccxt/*'], message: 'Only engine/exchange imports ccxt: use the exchange gateway (engine/exchange).' },
          ],
        },
      ],
    },
  },
  {
    files: ['engine/exchange/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'engine/ and db/ never import electron (docs/architecture.md layering).' },
            { group: ['react', 'react-dom', 'react/*', 'zustand', 'lightweight-charts'], message: 'engine/ and db/ never import UI libraries.' },
            { group: ['**/renderer/**', '**/electron/**'], message: 'engine/ and db/ never import the UI or the Electron layer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['engine/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'react', ...nodeBuiltins], message: 'engine/api is the contract shared with the renderer: pure TypeScript and zod only.' },
            { group: ['../*', '!../timeframes', '!../errors', '!../contract', '!../ipc', '!../validate'], message: 'engine/api imports only itself.' },
            { group: ['**/db/**', '**/core/**', '**/host/**', '**/market/**', '**/serve/**'], message: 'engine/api imports only itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', ...nodeBuiltins], message: 'renderer/ sees only the contract: no Electron or Node modules.' },
            {
              group: ['**/engine/*', '!**/engine/api', '**/engine/*/**', '!**/engine/api/**', '**/db/**', '**/electron/**'],
              message: 'renderer/ imports only the contract in engine/api.',
            },
          ],
        },
      ],
    },
  },
);
