// CI check: does openapi.yaml break clients of the previous version of the contract?
//
//   node scripts/check-breaking.ts                  working-tree spec vs. the spec at the base ref (see below)
//   node scripts/check-breaking.ts OLD.yaml NEW.yaml   two files
//
// Base ref, first that applies: $BASE_REF; `origin/main` when it exists and is not HEAD (a branch);
// HEAD when the working-tree spec has uncommitted changes; otherwise HEAD~1 (CI: a clean clone of main right
// after the new commit landed). No spec at the base (first commit, new file, shallow clone) → skipped.
//
// Exit 0: no breaking change, or one declared on purpose (ALLOW_BREAKING=1, or an `info.version` bump that
// semantic versioning calls breaking — see breaking-changes.ts). Exit 1: breaking changes, listed. Exit 2: usage.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBreakingChanges } from './breaking-changes.ts';

const specFile = resolve(dirname(fileURLToPath(import.meta.url)), '../openapi.yaml');

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  } catch {
    return undefined;
  }
}

const commitOf = (ref: string, cwd: string) => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd)?.trim();

function chooseBase(root: string, specPathInRepo: string): string {
  const fromEnv = process.env.BASE_REF?.trim();
  if (fromEnv) return fromEnv;
  const head = commitOf('HEAD', root);
  const originMain = commitOf('origin/main', root);
  if (originMain && originMain !== head) return 'origin/main';
  const specChanged = git(['status', '--porcelain', '--', specPathInRepo], root)?.trim();
  if (specChanged) return 'HEAD';
  return 'HEAD~1';
}

/** The two versions to compare, or a reason to skip. */
function specsFromArgs(args: string[]): { before: string; after: string; label: string } | { skip: string } {
  if (args.length === 2) {
    const [oldFile, newFile] = args as [string, string];
    return { before: readFileSync(oldFile, 'utf8'), after: readFileSync(newFile, 'utf8'), label: `${oldFile} → ${newFile}` };
  }
  if (args.length !== 0) {
    console.error('usage: check-breaking.ts [OLD.yaml NEW.yaml]');
    process.exit(2);
  }
  const cwd = dirname(specFile);
  const root = git(['rev-parse', '--show-toplevel'], cwd)?.trim();
  if (!root) return { skip: 'not a git work tree, no previous spec to compare with' };
  const inRepo = relative(root, specFile).split('\\').join('/');
  const base = chooseBase(root, inRepo);
  if (!commitOf(base, root)) {
    if (process.env.BASE_REF?.trim()) {
      console.error(`check-breaking: BASE_REF=${base} is not a commit`);
      process.exit(2);
    }
    return { skip: `no ${base} commit (first commit or shallow clone), nothing to compare with` };
  }
  const before = git(['show', `${base}:${inRepo}`], root);
  if (before === undefined) return { skip: `${inRepo} does not exist at ${base}` };
  return { before, after: readFileSync(specFile, 'utf8'), label: `${base}:${inRepo} → working tree` };
}

const specs = specsFromArgs(process.argv.slice(2));
if ('skip' in specs) {
  console.log(`check-breaking: skipped — ${specs.skip}.`);
  process.exit(0);
}

const report = findBreakingChanges(specs.before, specs.after);
if (report.unclassified.length > 0) {
  console.log('check-breaking: changes the diff tool does not classify (not counted as breaking; review them):');
  for (const change of report.unclassified) console.log(`  - ${change.description} [${change.pointer}]`);
}
if (report.breaking.length === 0) {
  console.log(`check-breaking: no breaking change (${specs.label}).`);
  process.exit(0);
}

console.log(`check-breaking: ${report.breaking.length} breaking change(s) (${specs.label}):`);
for (const change of report.breaking) console.log(`  - ${change.description} [${change.pointer}]`);
if (process.env.ALLOW_BREAKING === '1') {
  console.log('check-breaking: allowed by ALLOW_BREAKING=1.');
  process.exit(0);
}
if (report.versionBumpAllows) {
  console.log('check-breaking: allowed — info.version was bumped as a breaking release (semver).');
  process.exit(0);
}
console.error(
  'check-breaking: FAILED. If this break is intended, bump info.version (major; minor while 0.x) in the same change, ' +
    'or run with ALLOW_BREAKING=1 locally. See openapi/README.md.',
);
process.exit(1);
