// `node bundle.ts` (the `build` script): the server as one minified ES module, dist/main.js, which the `start`
// script runs (bench/harness.ts bundles before it starts the server). Measured with bench/memory.ts: running
// src/main.ts loads ~1 400 modules through Node's TypeScript stripper (amaro and its wasm instance, ~17 MiB) and
// V8 keeps every module's full source; one minified file needs no stripping and keeps ~2.6 MB of source.
// Tests still import src/ directly; the code is the same.
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

export async function bundleServer(): Promise<void> {
  await build({
    absWorkingDir: fileURLToPath(new URL('.', import.meta.url)),
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    // Whitespace and syntax only: identifiers keep their names (stack traces stay readable) without esbuild's
    // keepNames, which would wrap every function created per request in a defineProperty call.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    external: EXTERNAL,
    // CommonJS dependencies (fastify, pino, …) call require() for Node's built-in modules.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (import.meta.main) await bundleServer();
