// The prebuilt browser bundle of @scalar/api-reference (one self-contained script, no chunks), served by this
// server under a name that carries the package version — so it can be cached as immutable, and an upgrade
// changes the URL the page loads.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const PACKAGE = '@scalar/api-reference';

export interface ReferenceBundle {
  /** The file name under /docs/assets/, e.g. `scalar-api-reference-1.76.0.js`. */
  fileName: string;
  /** The script's source, read from disk on first use and kept. */
  read(): Promise<string>;
}

export function referenceBundle(): ReferenceBundle {
  // The package's `exports` hide dist/browser and package.json; its main entry sits in dist/.
  const main = createRequire(import.meta.url).resolve(PACKAGE);
  const dist = path.dirname(main);
  const { version } = JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')) as { version: string };
  const file = path.join(dist, 'browser', 'standalone.js');
  if (!existsSync(file)) throw new Error(`${PACKAGE} ${version} has no browser bundle at ${file}`);
  let source: Promise<string> | undefined;
  return {
    fileName: `scalar-api-reference-${version}.js`,
    read: () => {
      source ??= readFile(file, 'utf8').catch((error: unknown) => {
        source = undefined; // try again on the next request
        throw error;
      });
      return source;
    },
  };
}
