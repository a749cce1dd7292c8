// `node bundle.ts` (the `build` script): the server as one minified ES module, dist/main.js, which the `start`
// script runs (bench/harness.ts bundles before it starts the server). Measured with bench/memory.ts: running
// src/main.ts loads ~1 400 modules through Node's TypeScript stripper (amaro and its wasm instance, ~17 MiB) and
// V8 keeps every module's full source; one minified file needs no stripping and keeps ~2.6 MB of source.
// Tests still import src/ directly; the code is the same.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Left to Node at run time: each finds files beside its own module, or is loaded only on a rare path. */
const EXTERNAL = [
  '@node-rs/argon2', // native addon
  '@electric-sql/pglite', // wasm and data files beside its module; imported only without DATABASE_URL
  '@reminderit/openapi', // finds openapi.yaml from its own import.meta.url
  '@scalar/api-reference', // only its prebuilt browser bundle is read (docs/reference-bundle.ts)
  'drizzle-orm', // its CommonJS build, through createRequire (store/db/drizzle.ts)
  'undici', // imported on the first Client ID Metadata Document fetch (oauth/safe-fetch.ts)
];

const OUTFILE = new URL('dist/main.js', import.meta.url);

export async function bundleServer(): Promise<void> {
  await build({
    absWorkingDir: fileURLToPath(new URL('.', import.meta.url)),
    entryPoints: ['src/main.ts'],
    outfile: fileURLToPath(OUTFILE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    // Whitespace and syntax only: identifiers keep their names (stack traces stay readable) without esbuild's
    // keepNames, which would wrap every function created per request in a defineProperty call.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    // Node keeps a module's source for as long as the module lives (lazy compilation re-reads it), decoded
    // from UTF-8: pure ASCII stays one byte per character, a single other character (there was one, in a
    // dependency's license comment) makes it UTF-16, twice the size (+3.7 MiB RSS for this bundle, measured).
    // esbuild escapes non-ASCII in code by default (`charset: 'ascii'`); license comments go beside the bundle.
    legalComments: 'linked',
    external: EXTERNAL,
    // CommonJS dependencies (fastify, pino, …) call require() for Node's built-in modules.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await assertAscii(OUTFILE);
}

async function assertAscii(file: URL): Promise<void> {
  const bytes = await readFile(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at !== -1) throw new Error(`${fileURLToPath(file)}: non-ASCII byte at ${at} (Node would hold the source as UTF-16, twice its size)`);
}

if (import.meta.main) await bundleServer();
