/**
 * Runtime purity guard: the runtime package holds pure engines only, so its
 * source must not import databases, HTTP stacks, UI libraries, other
 * workspaces, or anything outside runtime/. The file system is allowed in
 * tests only. ESLint enforces the same rules (see /eslint.config.js); this
 * test is the backstop that also runs where lint does not.
 *
 * Imports are extracted with the TypeScript scanner (`ts.preProcessFile`),
 * so static imports, `import type`, re-exports, side-effect imports, dynamic
 * `import()`, `require()` and `import x = require()` are all seen, while
 * comments and ordinary string literals are not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const RUNTIME_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_ROOT = path.join(RUNTIME_ROOT, 'src');

/** Forbidden everywhere in runtime/, including tests. Subpaths (`name/...`) are forbidden too. */
const FORBIDDEN_MODULES = [
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

/** Forbidden in non-test runtime files only. */
const FORBIDDEN_OUTSIDE_TESTS = ['fs', 'node:fs'];

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const TEST_FILE = /\.test\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

function matchesModule(specifier: string, name: string): boolean {
  return specifier === name || specifier.startsWith(`${name}/`);
}

/** Import violations in one source text; `filePath` is where that text lives (absolute). */
function findImportViolations(source: string, filePath: string): Violation[] {
  const isTest = TEST_FILE.test(filePath);
  const info = ts.preProcessFile(source, true, true);
  const specifiers = [...info.importedFiles, ...info.referencedFiles].map((ref) => ref.fileName);
  const file = path.relative(RUNTIME_ROOT, filePath);
  const violations: Violation[] = [];
  for (const specifier of specifiers) {
    const forbidden =
      FORBIDDEN_MODULES.find((name) => matchesModule(specifier, name)) ??
      (isTest ? undefined : FORBIDDEN_OUTSIDE_TESTS.find((name) => matchesModule(specifier, name)));
    if (forbidden !== undefined) {
      violations.push({ file, specifier, reason: `runtime must not depend on "${forbidden}"` });
      continue;
    }
    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const target = path.relative(RUNTIME_ROOT, path.resolve(path.dirname(filePath), specifier));
      if (target === '..' || target.startsWith(`..${path.sep}`) || path.isAbsolute(target)) {
        violations.push({ file, specifier, reason: 'runtime must not import files outside runtime/' });
      }
    }
  }
  return violations;
}

function listSourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listSourceFiles(full);
    return SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const sourceAt = (relative: string) => path.join(SOURCE_ROOT, relative);
const flagged = (source: string, relative = 'engine/example.ts') =>
  findImportViolations(source, sourceAt(relative)).map((v) => v.specifier);

describe('given the runtime purity checker', () => {
  it('when a source imports better-sqlite3, then the import is flagged', () => {
    const violations = findImportViolations(`import Database from 'better-sqlite3';\n`, sourceAt('engine/store.ts'));
    expect(violations).toEqual([
      {
        file: path.join('src', 'engine', 'store.ts'),
        specifier: 'better-sqlite3',
        reason: 'runtime must not depend on "better-sqlite3"',
      },
    ]);
  });

  it('when forbidden modules are imported in any syntax, then every one is flagged', () => {
    const source = [
      `import type { ReactNode } from 'react';`,
      `import { createServer } from "node:http";`,
      `import 'mqtt';`,
      `export * from 'drizzle-orm/sqlite-core';`,
      `export { Pool } from 'pg';`,
      `const express = require('express');`,
      `const lazy = await import('react-dom/client');`,
      `import sdk = require('@tongguan/plugin-sdk');`,
      `import { db } from '@tongguan/platform/server/db';`,
      `import { get } from 'https';`,
    ].join('\n');
    expect(flagged(source)).toEqual([
      'react',
      'node:http',
      'mqtt',
      'drizzle-orm/sqlite-core',
      'pg',
      'express',
      'react-dom/client',
      '@tongguan/plugin-sdk',
      '@tongguan/platform/server/db',
      'https',
    ]);
  });

  it('when a relative path escapes runtime/, then it is flagged, and paths inside runtime/ are not', () => {
    const source = [
      `import { db } from '../../../platform/server/db.ts';`,
      `import { x } from '../../../designer/src/x.ts';`,
      `import { ok } from '../../package.json';`,
      `import { sibling } from '../forms/schema.ts';`,
      `import { local } from './local.ts';`,
    ].join('\n');
    expect(flagged(source, 'calendar/engine.ts')).toEqual([
      '../../../platform/server/db.ts',
      '../../../designer/src/x.ts',
    ]);
    expect(flagged(`import '../../platform/app/root.tsx';`, 'top-level.ts')).toEqual(['../../platform/app/root.tsx']);
    expect(flagged(`import '/work/elsewhere/x.ts';`)).toEqual(['/work/elsewhere/x.ts']);
  });

  it('when fs is imported, then it is flagged in source files but allowed in tests', () => {
    const source = `import { readFileSync } from 'node:fs';\nimport { readFile } from 'fs/promises';\n`;
    expect(flagged(source, 'forms/loader.ts')).toEqual(['node:fs', 'fs/promises']);
    expect(flagged(source, 'forms/loader.test.ts')).toEqual([]);
  });

  it('when allowed modules, look-alike names, comments or plain strings are used, then nothing is flagged', () => {
    const source = [
      `import { z } from 'zod';`,
      `import { helper } from '@tongguan/runtime/expression/parser';`,
      `import type { Thing } from 'pg-protocol-types-lookalike';`,
      `import { x } from 'reactive-lib';`,
      `// import Database from 'better-sqlite3';`,
      `/* import { Pool } from 'pg'; */`,
      `const note = "import express from 'express'";`,
    ].join('\n');
    expect(flagged(source)).toEqual([]);
  });
});

describe('given the runtime source tree', () => {
  const files = listSourceFiles(SOURCE_ROOT);

  it('when it is walked, then the source files are found (the check is not vacuous)', () => {
    expect(files).toContain(sourceAt(path.join('calendar', 'working-calendar.ts')));
    expect(files).toContain(sourceAt('purity.test.ts'));
  });

  it('when every non-test file is checked, then none imports a forbidden module or a path outside runtime/', () => {
    const violations = files
      .filter((file) => !TEST_FILE.test(file))
      .flatMap((file) => findImportViolations(readFileSync(file, 'utf8'), file));
    expect(violations).toEqual([]);
  });

  it('when every test file is checked, then none imports a forbidden module other than fs', () => {
    const violations = files
      .filter((file) => TEST_FILE.test(file))
      .flatMap((file) => findImportViolations(readFileSync(file, 'utf8'), file));
    expect(violations).toEqual([]);
  });
});
