// Rules of the codebase that a reviewer would otherwise have to remember.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { specPath } from '@reminderit/openapi/path';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('architecture', () => {
  it('reads process.env only in config.ts', () => {
    const offenders = sourceFiles(SRC)
      .filter((f) => path.basename(f) !== 'config.ts')
      .filter((f) => /process\.env/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('declares no type or interface named after a spec schema (those come from @reminderit/sdk)', () => {
    const spec = parse(readFileSync(specPath, 'utf8')) as { components: { schemas: Record<string, unknown> } };
    const names = Object.keys(spec.components.schemas);
    expect(names.length).toBeGreaterThan(10);
    const pattern = new RegExp(`\\b(?:interface|type)\\s+(${names.join('|')})\\b`, 'g');
    const offenders = sourceFiles(SRC).flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return [...text.matchAll(pattern)].map((m) => `${path.relative(SRC, f)}: ${m[1]}`);
    });
    expect(offenders).toEqual([]);
  });
});
