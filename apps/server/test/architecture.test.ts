// Rules of the codebase that a reviewer would otherwise have to remember.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { specPath } from '@reminderit/openapi/path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const SRC = path.resolve(import.meta.dirname, '../src');

/** The domain: what the service is about. http/ is the adapter around it, so imports run http/ → domain only. */
const DOMAIN = ['accounts', 'keys', 'oauth', 'reminders', 'consent', 'mcp', 'store'];

/**
 * The handler contract: every operation handler, wherever its domain lives, is written against the typed
 * input and result openapi-backend's router fills in (http/operation.ts). That one module is the seam, not a
 * back-import.
 */
const HANDLER_CONTRACT = 'http/operation.ts';

/**
 * Back-imports that remain, each `importer → target` until its module moves. Empty since KeyAuth, bearer
 * parsing and the challenge moved to keys/ (issue 16 item 2); an entry no longer needed fails the test below,
 * so the list can only shrink.
 */
const ALLOWED_BACK_IMPORTS: readonly string[] = [];

/** `from '…'` and `import('…')` specifiers of a module's text, with whether the import is type-only. */
export function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  const found = [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((m) => ({
    specifier: m[3]!,
    typeOnly: m[2] !== undefined,
  }));
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

/** Every source file (relative to src/, `/`-separated) with the src files and packages it imports. */
function importGraph(files: { file: string; text: string }[]): Map<string, { target: string; typeOnly: boolean }[]> {
  return new Map(
    files.map(({ file, text }) => [
      file,
      importsOf(text).map(({ specifier, typeOnly }) => ({
        target: specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : specifier,
        typeOnly,
      })),
    ]),
  );
}

/** Domain files importing http/ (other than the handler contract), as `importer → target`. */
export function backImports(files: { file: string; text: string }[]): string[] {
  return [...importGraph(files)].flatMap(([file, imports]) =>
    DOMAIN.includes(file.split('/')[0]!)
      ? imports.filter((i) => i.target.startsWith('http/') && i.target !== HANDLER_CONTRACT).map((i) => `${file} → ${i.target}`)
      : [],
  );
}

/** What errors.ts imports beyond types of the spec (`import type … from '@reminderit/sdk'`). */
export function errorModuleImports(files: { file: string; text: string }[]): string[] {
  const imports = importGraph(files).get('errors.ts') ?? [];
  return imports.filter((i) => !(i.typeOnly && i.target === '@reminderit/sdk')).map((i) => i.target);
}

const tree = () => sourceFiles(SRC).map((f) => ({ file: path.relative(SRC, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));

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

  it('imports run one way: domain folders do not import http/ (beyond the handler contract and the allow-list)', () => {
    const found = backImports(tree());
    expect(found.filter((b) => !ALLOWED_BACK_IMPORTS.includes(b))).toEqual([]);
    // A moved module leaves its entry stale: delete it from ALLOWED_BACK_IMPORTS.
    expect(ALLOWED_BACK_IMPORTS.filter((a) => !found.includes(a))).toEqual([]);
  });

  it('errors.ts imports nothing but spec types', () => {
    expect(errorModuleImports(tree())).toEqual([]);
  });

  it('the rules catch a deliberate back-import (synthetic files, nothing committed)', () => {
    const files = [
      { file: 'oauth/token.ts', text: "import { operation } from '../http/operation.ts';\nimport {\n  bearerToken,\n} from '../http/security.ts';" },
      { file: 'store/kv/kv.ts', text: "const m = await import('../../http/draining.ts');" },
      { file: 'reminders/get-reminder.ts', text: "import type { KeyAuth } from '../http/auth.ts';" },
      { file: 'http/send.ts', text: "import { requireKey } from '../keys/require-scope.ts';" }, // adapter → domain: fine
      { file: 'errors.ts', text: "import type { OAuthErrorCode } from '@reminderit/sdk';\nimport { NO_STORE } from './http/cache-control.ts';" },
    ];
    expect(backImports(files)).toEqual(['oauth/token.ts → http/security.ts', 'store/kv/kv.ts → http/draining.ts', 'reminders/get-reminder.ts → http/auth.ts']);
    expect(errorModuleImports(files)).toEqual(['http/cache-control.ts']);
    expect(errorModuleImports([{ file: 'errors.ts', text: "import { isStorageUnavailable } from './store/x.ts';" }])).toEqual(['store/x.ts']);
    // a value import of the SDK package is not a type import either
    expect(errorModuleImports([{ file: 'errors.ts', text: "import { client } from '@reminderit/sdk';" }])).toEqual(['@reminderit/sdk']);
  });
});
