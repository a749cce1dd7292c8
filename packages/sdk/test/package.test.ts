// What `pnpm pack` ships is what a partner installs: only package.json, README.md and the compiled ESM +
// type declarations; no runtime dependencies, nothing Node-only (the SDK also runs in browsers), and the
// entry point loads on its own from the unpacked tarball. Needs `build` first (turbo: test dependsOn build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));

interface PackJson {
  filename: string;
  files: { path: string }[];
}

let work: string;
let packed: PackJson;
let unpacked: string;

beforeAll(() => {
  if (!existsSync(path.join(PKG_DIR, 'dist/index.js'))) throw new Error('packages/sdk/dist is missing: run the build first');
  work = mkdtempSync(path.join(tmpdir(), 'rmt-sdk-pack-'));
  // ignore-scripts: pack what the build produced, without prepack rebuilding dist under concurrent readers.
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', work, '--config.ignore-scripts=true'], {
    cwd: PKG_DIR,
    encoding: 'utf8',
  });
  packed = JSON.parse(out) as PackJson;
  execFileSync('tar', ['-xzf', packed.filename, '-C', work]);
  unpacked = path.join(work, 'package');
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** Every module specifier of an ES module: static imports/re-exports, side-effect imports, dynamic import(). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of source.matchAll(re)) found.push(m[1]!);
  }
  return found;
}

describe('the packed @reminderit/sdk', () => {
  it('contains only package.json, README.md and dist/**/*.js + .d.ts', () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toEqual(listFiles(unpacked).sort());
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts))$/.test(f) || /\.test\./.test(f));
    expect(unexpected).toEqual([]);
  });

  it('declares ESM + types exports, Node >= 20, no side effects and no runtime dependencies', () => {
    const raw = readFileSync(path.join(unpacked, 'package.json'), 'utf8');
    const manifest = JSON.parse(raw);
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
    expect(raw).not.toMatch(/"(workspace|catalog):/);
  });

  it('imports nothing but its own files: no node: built-ins, no packages', () => {
    const js = listFiles(path.join(unpacked, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(5);
    const foreign = js.flatMap((f) =>
      specifiers(readFileSync(path.join(unpacked, 'dist', f), 'utf8'))
        .filter((s) => !s.startsWith('./') && !s.startsWith('../'))
        .map((s) => `${f}: ${s}`),
    );
    expect(foreign).toEqual([]);
    const all = js.map((f) => readFileSync(path.join(unpacked, 'dist', f), 'utf8')).join('\n');
    expect(all).not.toMatch(/['"]node:/);
    // Browsers have none of these Node globals.
    expect(all).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(|__dirname|__filename/);
  });

  it('loads from the unpacked tarball and exports the client, helpers and typed errors', async () => {
    const sdk = await import(pathToFileURL(path.join(unpacked, 'dist/index.js')).href);
    for (const name of ['createClient', 'registerClient', 'token', 'revokeToken', 'createReminder', 'listReminders', 'buildAuthorizeUrl', 'createPkcePair', 'parseAuthorizationResponse', 'unwrap', 'withTypedErrors', 'isReminderItError', 'ReminderItError']) {
      expect(typeof sdk[name], name).toBe('function');
    }
  });
});
