import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FUNCTIONS } from './functions/builtins.ts';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/expressions.md');

describe('given the language reference docs/expressions.md', () => {
  it('when the built-in functions are listed, then every one is documented', () => {
    const text = readFileSync(DOC, 'utf8');
    expect(BUILTIN_FUNCTIONS.filter((definition) => !text.includes(`**${definition.name}**`)).map((definition) => definition.name)).toEqual([]);
  });
});
