// drizzle-orm, loaded through its CommonJS build (`.cjs` files) rather than its ES modules. Measured on Node 24
// (bench/memory.ts, sampling heap profiler): drizzle's package.json is 175 KB, one `exports` entry per file,
// and Node's ES module loader reads and JSON-parses that file again for each of the ~110 drizzle modules it
// loads (node:internal/modules/package_json_reader, the package-scope lookup that decides a `.js` file's
// format), holding the copies until the import graph is linked: ~170 MB allocated and ~1 s at start, which
// set the server's peak RSS before any request. A `.cjs` file's format needs no lookup: the same modules load
// in ~0.3 s and ~30 MB. Same package, same version, same code; only the loader differs.
//
// Everything in src/ imports drizzle's values from here (types from 'drizzle-orm' as usual: erased at run
// time). Values from the ES build still work with these (tests import it): drizzle tells its classes apart
// by `Symbol.for('drizzle:entityKind')`, shared by both builds, not by identity.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const orm: typeof import('drizzle-orm') = require('drizzle-orm');
const pgCore: typeof import('drizzle-orm/pg-core') = require('drizzle-orm/pg-core');

export const { and, asc, desc, eq, gt, gte, isNull, lt, not, or, sql } = orm;
export const { bigint, check, index, jsonb, pgTable, text, timestamp, uuid } = pgCore;

/** The postgres-js driver and its migrator (loaded on first call: only a DATABASE_URL configuration uses them). */
export function postgresJsDriver() {
  return {
    drizzle: (require('drizzle-orm/postgres-js') as typeof import('drizzle-orm/postgres-js')).drizzle,
    migrate: (require('drizzle-orm/postgres-js/migrator') as typeof import('drizzle-orm/postgres-js/migrator')).migrate,
  };
}

/** The PGlite driver and its migrator (loaded on first call: only the embedded configuration uses them). */
export function pgliteDriver() {
  return {
    drizzle: (require('drizzle-orm/pglite') as typeof import('drizzle-orm/pglite')).drizzle,
    migrate: (require('drizzle-orm/pglite/migrator') as typeof import('drizzle-orm/pglite/migrator')).migrate,
  };
}
