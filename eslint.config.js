// ESLint flat config for the Tongguan monorepo.
//
// Besides typescript-eslint's recommended rules, it enforces the runtime
// boundary: runtime/ holds pure engines (expression language, BPMN, forms,
// alarms, indicators, calendar) and must not depend on databases, HTTP,
// UI libraries, other workspaces or files outside runtime/. The file system
// is allowed in runtime tests only. runtime/src/purity.test.ts checks the
// same rules; keep the two lists in step.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT_DIR = path.dirname(fileURLToPath(import.meta.url));
const RUNTIME_DIR = path.join(ROOT_DIR, 'runtime');

/** Forbidden everywhere in runtime/, tests included. Subpaths (`name/...`) are forbidden too. */
const RUNTIME_FORBIDDEN = [
  'better-sqlite3',
  'pg',
  'drizzle-orm',
  'react',
  'react-dom',
  'react-router',
  'react-router-dom',
  'http',
  'https',
  'node:http',
  'node:https',
  'express',
  'mqtt',
  '@tongguan/platform',
  '@tongguan/designer',
  '@tongguan/plugin-sdk',
];

/** Additionally forbidden in non-test runtime files. */
const RUNTIME_FORBIDDEN_OUTSIDE_TESTS = ['fs', 'node:fs'];

const RUNTIME_FILES = ['runtime/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
const RUNTIME_TEST_FILES = ['runtime/**/*.test.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `no-restricted-imports` options forbidding each module and its subpaths. */
function restrictedModules(names) {
  return {
    patterns: [
      {
        regex: `^(?:${names.map(escapeRegExp).join('|')})(?:/.*)?$`,
        caseSensitive: true,
        message: 'runtime/ holds pure engines: no database, HTTP, UI, file-system or other-workspace imports.',
      },
    ],
  };
}

const matchesModule = (specifier, name) => specifier === name || specifier.startsWith(`${name}/`);

/**
 * Local rule: relative or absolute import paths must stay inside runtime/
 * (needs the importing file's location, which `no-restricted-imports`
 * patterns cannot see), and forbidden modules must not be pulled in via
 * forms `no-restricted-imports` does not check: `import()`, `require()`,
 * `import x = require()` and `import('...')` types.
 */
const runtimeBoundary = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep runtime/ imports inside runtime/ and away from forbidden modules' },
    schema: [
      {
        type: 'object',
        properties: { forbidden: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      outside: "'{{specifier}}' resolves outside runtime/; runtime must not import platform, designer, plugins or other folders.",
      forbidden: "'{{specifier}}' is forbidden in runtime/ (pure engines: no database, HTTP, UI, file-system or other-workspace imports).",
    },
  },
  create(context) {
    const forbidden = context.options[0]?.forbidden ?? [];
    const directory = path.dirname(context.filename);

    const stringOf = (node) => {
      if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
      if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
      return undefined;
    };

    /** `checkNames`: also check module names (forms `no-restricted-imports` misses). */
    const check = (node, checkNames) => {
      const specifier = stringOf(node);
      if (specifier === undefined) return;
      if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
        const target = path.relative(RUNTIME_DIR, path.resolve(directory, specifier));
        if (target === '..' || target.startsWith(`..${path.sep}`) || path.isAbsolute(target)) {
          context.report({ node, messageId: 'outside', data: { specifier } });
        }
      } else if (checkNames && forbidden.some((name) => matchesModule(specifier, name))) {
        context.report({ node, messageId: 'forbidden', data: { specifier } });
      }
    };

    return {
      ImportDeclaration: (node) => check(node.source, false),
      ExportAllDeclaration: (node) => check(node.source, false),
      ExportNamedDeclaration: (node) => node.source && check(node.source, false),
      ImportExpression: (node) => check(node.source, true),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference.expression, true),
      TSImportType: (node) => check(node.argument?.type === 'TSLiteralType' ? node.argument.literal : undefined, true),
      CallExpression: (node) =>
        node.callee.type === 'Identifier' && node.callee.name === 'require' && check(node.arguments[0], true),
    };
  },
};

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    'platform/build/',
    'platform/.react-router/',
    'data/',
    'coverage/',
    'test-results/',
  ]),

  tseslint.configs.recommended,

  { plugins: { tongguan: { rules: { 'runtime-boundary': runtimeBoundary } } } },

  {
    rules: {
      // `_`-prefixed names are intentional discards, e.g. `const { $schema: _ignored, ...rest } = obj`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Module augmentation idiom: `interface AppLoadContext extends OurContext {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },

  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },

  // Runtime boundary — tests: everything except the file system is forbidden.
  {
    files: RUNTIME_FILES,
    rules: {
      'no-restricted-imports': ['error', restrictedModules(RUNTIME_FORBIDDEN)],
      'tongguan/runtime-boundary': ['error', { forbidden: RUNTIME_FORBIDDEN }],
    },
  },

  // Runtime boundary — non-test files: the file system is forbidden as well.
  {
    files: RUNTIME_FILES,
    ignores: RUNTIME_TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        restrictedModules([...RUNTIME_FORBIDDEN, ...RUNTIME_FORBIDDEN_OUTSIDE_TESTS]),
      ],
      'tongguan/runtime-boundary': [
        'error',
        { forbidden: [...RUNTIME_FORBIDDEN, ...RUNTIME_FORBIDDEN_OUTSIDE_TESTS] },
      ],
    },
  },
]);
