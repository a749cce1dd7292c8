// Once per `vitest run` of the server suites, before any worker starts: a migrated PGlite dump on disk that
// every suite's in-memory databases load (test-databases.ts), instead of each test file paying initdb and
// the migrations again — on 2 cores that was most of the suite's CPU time.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dumpMigratedPglite, PGLITE_TEMPLATE_ENV } from './test-databases.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rmt-pglite-template-'));
  const file = path.join(dir, 'migrated.tar');
  await writeFile(file, Buffer.from(await (await dumpMigratedPglite()).arrayBuffer()));
  process.env[PGLITE_TEMPLATE_ENV] = file; // inherited by the test workers, started after this
  return async () => {
    delete process.env[PGLITE_TEMPLATE_ENV];
    await rm(dir, { recursive: true, force: true });
  };
}
