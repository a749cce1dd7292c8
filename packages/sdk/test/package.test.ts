// What `pnpm pack` ships is what a partner installs: only package.json, README.md and the compiled ESM +
// type declarations; no runtime dependencies, nothing Node-only (the SDK also runs in browsers), and the
// entry point loads on its own from the unpacked tarball. Needs `build` first (turbo: test dependsOn build).
import { execFileSync, spawnSync } from 'node:child_process';
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

/** The machine's own Node when it is the oldest line the SDK supports (Debian hosts here ship Node 20). */
function oldestNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const run = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (run.status === 0 && run.stdout.trim().startsWith('20.')) return candidate;
  }
  return undefined;
}
const node20 = oldestNode();

/** Run under Node 20 against a throwaway HTTP server: PKCE (Web Crypto), the fetch client, a typed error. */
const NODE20_SMOKE = `
import { createServer } from 'node:http';
const sdk = await import(process.argv[1]);
const server = createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); return; }
  res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: 'invalid_redirect_uri', error_description: 'not trusted' }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const client = sdk.createClient({ baseUrl: 'http://127.0.0.1:' + server.address().port });
const pkce = await sdk.createPkcePair();
const health = await sdk.unwrap(sdk.getHealth({ client }));
let failure;
try { await sdk.unwrap(sdk.registerClient({ client, body: { redirect_uris: ['https://evil.example/cb'] } })); } catch (e) { failure = e; }
server.close();
console.log(JSON.stringify({ node: process.versions.node, challenge: pkce.codeChallenge.length, health, typed: sdk.isReminderItError(failure), error: failure?.error, status: failure?.status }));
`;

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
    for (const name of [
      'createClient',
      'registerClient',
      'token',
      'revokeToken',
      'createReminder',
      'listReminders',
      'buildAuthorizeUrl',
      'createPkcePair',
      'parseAuthorizationResponse',
      'unwrap',
      'withTypedErrors',
      'isReminderItError',
      'ReminderItError',
    ]) {
      expect(typeof sdk[name], name).toBe('function');
    }
  });

  it.skipIf(!node20)('runs on Node 20, the oldest supported line (engines >=20)', () => {
    const entry = pathToFileURL(path.join(unpacked, 'dist/index.js')).href;
    const out = execFileSync(node20!, ['--input-type=module', '-e', NODE20_SMOKE, entry], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({ challenge: 43, health: { status: 'ok' }, typed: true, error: 'invalid_redirect_uri', status: 400 });
    expect(result.node).toMatch(/^20\./);
  });
});
