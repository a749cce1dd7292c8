// docs/storage.md stays true: every KV key prefix (and pub/sub channel) src/ builds (`` `session:${…}` ``, a rate-limit bucket such
// as `` `login:ip:${…}` ``, stored under `ratelimit:<bucket>`) has its row there.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const DOC = readFileSync(path.resolve(import.meta.dirname, '../../../docs/storage.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * The key prefixes a module builds: template literals that open with `name:` (or `name:name:`) then `${`, and
 * string constants named `…_KEY`, `…_CHANNEL` or `…_PREFIX` holding a `name:…` key, channel or value prefix.
 */
function keyPrefixes(text: string): string[] {
  const built = [...text.matchAll(/`((?:[a-z][a-z-]*:)+)\$\{/g)].map((m) => m[1]!);
  const named = [...text.matchAll(/\bconst [A-Z_]+_(?:KEY|CHANNEL|PREFIX)\s*=\s*'([a-z][a-z-]*:[a-z-]*)'/g)].map((m) => m[1]!);
  return [...built, ...named];
}

/** A prefix is documented when a row names it as a key, or as a rate-limit bucket under `ratelimit:`. */
const documented = (prefix: string) => DOC.includes(`\`${prefix}`) || DOC.includes(`\`ratelimit:${prefix}`);

describe('docs/storage.md', () => {
  it('finds the prefixes a module builds, and only those', () => {
    const text =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: module source to scan, not a template
      'const k = (h: string) => `session:${h}`;\nawait limit(ctx, `login:ip:${req.ip}`);\nconst u = `http://x:${port}`;\n' +
      "const SWEEP_LEASE_KEY = 'clients:sweep';\nconst SCOPE = 'reminders:read';";
    expect(keyPrefixes(text)).toEqual(['session:', 'login:ip:', 'clients:sweep']);
    expect(documented('session:')).toBe(true);
    expect(documented('login:ip:')).toBe(true);
    expect(documented('nonce-cache:')).toBe(false); // an undocumented prefix fails the test below
  });

  it('has a row for every KV key prefix used in src/', () => {
    const prefixes = new Set(sourceFiles(SRC).flatMap((f) => keyPrefixes(readFileSync(f, 'utf8'))));
    expect([...prefixes].sort()).toEqual(expect.arrayContaining(['authreq:', 'cimd:', 'code:', 'device:', 'ratelimit:', 'session:', 'clients:sweep']));
    expect([...prefixes].filter((p) => !documented(p))).toEqual([]);
  });
});
