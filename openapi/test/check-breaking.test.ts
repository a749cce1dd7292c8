// The breaking-change check flags real breaks of openapi.yaml and lets additive changes through, both as a
// library (findBreakingChanges) and as the CLI CI runs, with two files or against a git base ref.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { specPath } from '../path.js';
import { breakingAllowedByVersion, findBreakingChanges } from '../scripts/breaking-changes.ts';
import { runCheckBreaking } from './support/run-check-breaking.ts';
import { type Doc, escapeRegExp, operations, pointer } from './support/spec-walk.ts';

let dir: string;
let specText: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-breaking-'));
  specText = await readFile(specPath, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The spec with `mutate` applied, as YAML text; `mutate` returns where the change must be reported. */
function mutated(mutate: (doc: Doc) => string): { text: string; at: string } {
  const doc = parse(specText) as Doc;
  const at = mutate(doc);
  return { text: stringify(doc), at };
}

/** The component schema a media type's `schema: {$ref: '#/components/schemas/X'}` points at. */
function componentSchema(doc: Doc, mediaType: any): { name: string; schema: Record<string, any> } | undefined {
  const ref: unknown = mediaType?.schema?.$ref;
  const match = typeof ref === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(ref) : null;
  return match ? { name: match[1]!, schema: doc.components.schemas[match[1]!] } : undefined;
}

// JSON Pointer as the diff reports it (no leading `#`).
const diffPointer = (...tokens: string[]) => pointer(...tokens).slice(1);

const removeOperation = (doc: Doc) => {
  const { path, method } = operations(doc)[0]!;
  delete doc.paths[path][method];
  return diffPointer('paths', path, method);
};

const removeRequiredResponseProperty = (doc: Doc) => {
  for (const { path, method, operation } of operations(doc)) {
    for (const [status, response] of Object.entries<any>(operation.responses ?? {})) {
      if (!status.startsWith('2') || response.$ref) continue;
      for (const [mediaType, content] of Object.entries<any>(response.content ?? {})) {
        const target = componentSchema(doc, content);
        const property = target?.schema.required?.[0];
        if (!target || !property || !target.schema.properties?.[property]) continue;
        delete target.schema.properties[property];
        target.schema.required = target.schema.required.filter((name: string) => name !== property);
        return diffPointer('paths', path, method, 'responses', status, 'content', mediaType);
      }
    }
  }
  throw new Error('no 2xx response body with a required property in the spec');
};

/** First request body whose schema is a component object schema. */
function requestSchema(doc: Doc) {
  for (const { path, method, operation } of operations(doc)) {
    for (const [mediaType, content] of Object.entries<any>(operation.requestBody?.content ?? {})) {
      const target = componentSchema(doc, content);
      if (target?.schema.properties) return { path, method, mediaType, schema: target.schema };
    }
  }
  throw new Error('no request body with an object component schema in the spec');
}

const addRequiredRequestProperty = (doc: Doc) => {
  const { path, method, mediaType, schema } = requestSchema(doc);
  schema.properties.added_in_test = { type: 'string' };
  schema.required = [...(schema.required ?? []), 'added_in_test'];
  return diffPointer('paths', path, method, 'requestBody', 'content', mediaType);
};

const additiveChange = (doc: Doc) => {
  requestSchema(doc).schema.properties.optional_added_in_test = { type: 'string', description: 'Optional.' };
  doc.paths['/added-in-test'] = {
    get: {
      operationId: 'addedInTest',
      summary: 'Added in a test',
      description: 'A new operation is not a breaking change.',
      responses: { '204': { description: 'Nothing.' } },
    },
  };
  return '';
};

describe('findBreakingChanges', () => {
  it('finds nothing between the spec and itself', () => {
    const report = findBreakingChanges(specText, specText);
    expect(report.breaking).toEqual([]);
    expect(report.unclassified).toEqual([]);
  });

  it.each([
    ['removing an operation', removeOperation],
    ['removing a required property of a response body', removeRequiredResponseProperty],
    ['adding a required property to a request body', addRequiredRequestProperty],
  ])('flags %s', (_name, mutate) => {
    const { text, at } = mutated(mutate);
    const { breaking } = findBreakingChanges(specText, text);
    expect(breaking.map((change) => change.pointer)).toContainEqual(expect.stringMatching(`^${escapeRegExp(at)}`));
  });

  it('lets an additive change through (new optional request property, new operation)', () => {
    const { text } = mutated(additiveChange);
    expect(findBreakingChanges(specText, text).breaking).toEqual([]);
  });
});

describe('breakingAllowedByVersion (semver: a breaking release bumps major, or minor while 0.x)', () => {
  const doc = (version: string) => ({ info: { version } });
  it.each([
    ['0.1.0', '0.2.0', true],
    ['0.1.0', '0.1.1', false],
    ['0.1.0', '0.1.0', false],
    ['1.4.2', '2.0.0', true],
    ['1.4.2', '1.5.0', false],
    ['2.0.0', '1.9.0', false],
    ['0.1.0', 'next', false],
  ])('%s → %s: %s', (before, after, allowed) => {
    expect(breakingAllowedByVersion(doc(before), doc(after))).toBe(allowed);
  });
});

describe('check-breaking CLI with two files', () => {
  async function files(name: string, mutate: (doc: Doc) => string) {
    const before = join(dir, `${name}.before.yaml`);
    const after = join(dir, `${name}.after.yaml`);
    await writeFile(before, specText);
    await writeFile(after, mutated(mutate).text);
    return [before, after];
  }

  it('exits 1 and lists the change when an operation is removed', async () => {
    const { status, output } = runCheckBreaking(await files('removed', removeOperation));
    expect(status).toBe(1);
    expect(output).toMatch(/breaking change\(s\)/);
    expect(output).toContain('[Removed] operation');
  });

  it('exits 0 on an additive change', async () => {
    const { status, output } = runCheckBreaking(await files('additive', additiveChange));
    expect(output).toContain('no breaking change');
    expect(status).toBe(0);
  });

  it('exits 0 on a breaking change declared with ALLOW_BREAKING=1, still listing it', async () => {
    const { status, output } = runCheckBreaking(await files('allowed', removeOperation), {
      env: { ALLOW_BREAKING: '1' },
    });
    expect(output).toContain('[Removed] operation');
    expect(output).toContain('ALLOW_BREAKING=1');
    expect(status).toBe(0);
  });

  it('exits 0 on a breaking change shipped with a breaking info.version bump', async () => {
    const bumped = (doc: Doc) => {
      const [major, minor] = String(doc.info.version).split('.').map(Number) as [number, number];
      doc.info.version = major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
      return removeOperation(doc);
    };
    const { status, output } = runCheckBreaking(await files('bumped', bumped));
    expect(output).toContain('info.version was bumped');
    expect(status).toBe(0);
  });
});

describe('check-breaking CLI against a git base ref', () => {
  // A throwaway repository laid out like this one (openapi/openapi.yaml + openapi/scripts), with the real
  // node_modules linked in, so the script's git logic runs for real without touching this repository.
  let repo: string;
  let script: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: repo,
      stdio: 'pipe',
      env: { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined },
    });
  const specInRepo = () => join(repo, 'openapi', 'openapi.yaml');

  beforeAll(async () => {
    repo = join(dir, 'repo');
    const openapiDir = fileURLToPath(new URL('../', import.meta.url));
    await mkdir(join(repo, 'openapi', 'scripts'), { recursive: true });
    for (const file of ['check-breaking.ts', 'breaking-changes.ts']) {
      await copyFile(join(openapiDir, 'scripts', file), join(repo, 'openapi', 'scripts', file));
    }
    await symlink(join(openapiDir, 'node_modules'), join(repo, 'openapi', 'node_modules'), 'dir');
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    script = join(repo, 'openapi', 'scripts', 'check-breaking.ts');
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'no spec yet');
  });

  it('skips when the spec does not exist at the base (HEAD~1)', async () => {
    await writeFile(specInRepo(), specText);
    git('add', '.');
    git('commit', '-q', '-m', 'add the spec');
    const { status, output } = runCheckBreaking([], { script });
    expect(output).toMatch(/skipped — openapi\/openapi\.yaml does not exist at HEAD~1/);
    expect(status).toBe(0);
  });

  it('checks uncommitted edits against HEAD: additive passes', async () => {
    await writeFile(specInRepo(), mutated(additiveChange).text);
    const { status, output } = runCheckBreaking([], { script });
    expect(output).toContain('no breaking change (HEAD:openapi/openapi.yaml → working tree)');
    expect(status).toBe(0);
    await writeFile(specInRepo(), specText);
  });

  it('fails on a breaking commit on a clean tree (CI: HEAD~1 is the previous spec on main)', async () => {
    await writeFile(specInRepo(), mutated(removeOperation).text);
    git('commit', '-q', '-am', 'remove an operation');
    const { status, output } = runCheckBreaking([], { script });
    expect(output).toContain('(HEAD~1:openapi/openapi.yaml → working tree)');
    expect(output).toContain('[Removed] operation');
    expect(status).toBe(1);
  });

  it('compares against BASE_REF when set, and rejects one that is not a commit', () => {
    const same = runCheckBreaking([], { script, env: { BASE_REF: 'HEAD' } });
    expect(same.output).toContain('no breaking change (HEAD:openapi/openapi.yaml');
    expect(same.status).toBe(0);
    const bad = runCheckBreaking([], { script, env: { BASE_REF: 'no-such-ref' } });
    expect(bad.output).toContain('BASE_REF=no-such-ref is not a commit');
    expect(bad.status).toBe(2);
  });
});
