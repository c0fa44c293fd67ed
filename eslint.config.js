// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries of DESIGN.md §4: dependencies point inward. Each entry says which of our folders
 * a folder must not import, and why; the message is what a developer sees when they cross the line.
 */
const SRC = 'packages/server/src';
const boundaries = [
  { folder: 'core', deny: ['*'], why: 'core holds the domain types and the error table and imports nothing of ours.' },
  { folder: 'ports', deny: ['*', '!core'], why: 'ports are interfaces over core types only.' },
  { folder: 'pipeline', deny: ['*', '!core', '!ports'], why: 'the pipeline sees adapters only through ports; main.ts wires them.' },
  { folder: 'policy', deny: ['*', '!core', '!ports'], why: 'policy decides from core types; it never touches storage or HTTP.' },
  { folder: 'guard', deny: ['*', '!core', '!ports'], why: 'output filters are pure functions over core types.' },
  { folder: 'audit', deny: ['*', '!core', '!ports'], why: 'the audit log depends on core types and ports only.' },
  { folder: 'limits', deny: ['*', '!core', '!ports'], why: 'limiters implement ports over core types only.' },
  {
    folder: 'monitor',
    deny: ['*', '!core', '!ports'],
    why: 'metrics observe through ports (call observer, circuit states, catalog); main.ts wires them.',
  },
  {
    folder: 'connectors',
    deny: ['*', '!core', '!ports'],
    why: 'connectors execute calls; they know nothing of storage, policy or surfaces.',
  },
  {
    folder: 'plugins',
    deny: ['*', '!core', '!ports'],
    why: "importers turn specs into tools; fetching is injected, storage is the caller's job.",
  },
  { folder: 'store', deny: ['*', '!core', '!ports'], why: 'the store maps core types to tables and nothing else.' },
  { folder: 'config', deny: ['*', '!core'], why: 'config is loaded before anything is wired; it depends on core only.' },
  {
    folder: 'auth',
    deny: ['*', '!core', '!ports'],
    why: 'access-token verification implements a port over core types; fetching is injected by main.ts.',
  },
  {
    folder: 'admin',
    deny: ['http', 'mcp', 'agent', 'cli', 'main'],
    why: 'admin use cases serve every surface, so they cannot depend on one.',
  },
  {
    folder: 'approvals',
    deny: ['http', 'mcp', 'agent', 'cli', 'main', 'admin'],
    why: 'the approval workflow serves every surface (REST, MCP, chat, CLI), so it cannot depend on one.',
  },
  {
    folder: 'http',
    deny: ['mcp', 'cli', 'main'],
    why: 'a surface does not import another surface or the composition root (the chat route uses agent/, its engine).',
  },
  {
    folder: 'mcp',
    deny: ['agent', 'cli', 'main', 'store', 'connectors'],
    why: 'the MCP surface reaches tools only through the pipeline and ports; main.ts wires it.',
  },
  {
    folder: 'agent',
    deny: ['http', 'mcp', 'cli', 'main', 'store', 'connectors', 'admin'],
    why: 'the chat loop runs tools only through the pipeline; it knows nothing of HTTP routes or storage.',
  },
  {
    folder: 'cli',
    deny: ['http', 'mcp', 'agent', 'pipeline', 'store'],
    why: 'CLI commands talk to a running gateway over the admin API (only serve starts one, via main.ts).',
  },
];
const FOLDERS = [
  'core',
  'ports',
  'pipeline',
  'policy',
  'guard',
  'audit',
  'limits',
  'connectors',
  'plugins',
  'store',
  'config',
  'auth',
  'admin',
  'approvals',
  'http',
  'mcp',
  'agent',
  'cli',
  'vault',
  'monitor',
  'main',
];

function boundaryRule({ folder, deny, why }) {
  const allowed = new Set(deny.filter((d) => d.startsWith('!')).map((d) => d.slice(1)));
  const denied = deny.includes('*') ? FOLDERS.filter((f) => f !== folder && !allowed.has(f)) : deny;
  const depth = folder === 'main' ? 0 : 1;
  const up = depth === 0 ? './' : '../';
  return {
    files: [`${SRC}/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: denied.map((d) => ({
            group: [`${up}${d}/*`, `${up}${d}.js`, `../../${d}/*`, `../../../${d}/*`, `../../${d}.js`],
            message: `${folder}/ must not import ${d}/: ${why}`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', 'examples/**/*.mjs', 'packages/console/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // The test tsconfig covers sources, tests and benchmarks, so one program type-checks them all.
      parserOptions: {
        project: ['packages/server/tsconfig.test.json', 'packages/contract/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'packages/server/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['eslint.config.js', 'vitest.config.ts', 'packages/server/bin/*.js'], ...tseslint.configs.disableTypeChecked },
  ...boundaries.map(boundaryRule),
);
