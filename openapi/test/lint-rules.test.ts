// Every spec-quality rule the project relies on really fires: each test lints a copy of openapi.yaml with one
// defect put in, through the project's own redocly.yaml, and expects that rule's error at that place.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { specPath } from '../path.js';
import { type LintProblem, lintSpec } from './support/lint-spec.ts';
import { type Doc, dropExample, escapeRegExp, mediaTypeWithExample, operations, pointer } from './support/spec-walk.ts';

let dir: string;
let specText: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-lint-rules-'));
  specText = await readFile(specPath, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lint a copy of the spec after `mutate` changed it; `mutate` returns where the error must be reported. */
async function lintMutated(name: string, mutate: (doc: Doc) => string): Promise<{ at: string; problems: LintProblem[] }> {
  const doc = parse(specText) as Doc;
  const at = mutate(doc);
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(doc));
  return { at, problems: await lintSpec(file) };
}

function expectError(problems: LintProblem[], ruleId: string, at: string) {
  const hits = problems.filter((problem) => problem.ruleId === ruleId);
  expect(hits, `${ruleId} must fire; got ${problems.map((p) => p.ruleId).join(', ') || 'nothing'}`).not.toHaveLength(0);
  for (const hit of hits) expect(hit.severity).toBe('error');
  expect(hits.map((hit) => hit.location[0]?.pointer)).toContainEqual(expect.stringMatching(`^${escapeRegExp(at)}`));
}

describe('openapi.yaml under redocly.yaml', () => {
  it('has zero problems as committed, and after a YAML round trip (so mutations start clean)', async () => {
    const copy = join(dir, 'unchanged.yaml');
    await copyFile(specPath, copy);
    const roundTrip = join(dir, 'round-trip.yaml');
    await writeFile(roundTrip, stringify(parse(specText)));
    const [asIs, roundTripped] = await Promise.all([lintSpec(copy), lintSpec(roundTrip)]);
    expect(asIs).toEqual([]);
    expect(roundTripped).toEqual([]);
  });
});

describe('each rule fires on its defect', () => {
  it.concurrent.each(['operationId', 'summary', 'description'])('operation-%s: an operation without %s', async (field) => {
    const { at, problems } = await lintMutated(`no-${field}`, (doc) => {
      const { path, method, operation } = operations(doc)[0]!;
      delete operation[field];
      return pointer('paths', path, method);
    });
    expectError(problems, `operation-${field}`, at);
  });

  it.concurrent('rule/response-body-example: an inline response body without example', async () => {
    const { at, problems } = await lintMutated('no-response-example', (doc) => {
      for (const { path, method, operation } of operations(doc)) {
        for (const [status, response] of Object.entries<any>(operation.responses ?? {})) {
          const mediaType = response.$ref ? undefined : mediaTypeWithExample(response.content);
          if (!mediaType) continue;
          dropExample(response.content[mediaType]);
          return pointer('paths', path, method, 'responses', status, 'content', mediaType);
        }
      }
      throw new Error('no inline response body with an example in the spec');
    });
    expectError(problems, 'rule/response-body-example', at);
  });

  it.concurrent('rule/response-body-example: a components/responses body without example', async () => {
    const { at, problems } = await lintMutated('no-component-response-example', (doc) => {
      for (const [name, response] of Object.entries<any>(doc.components?.responses ?? {})) {
        const mediaType = mediaTypeWithExample(response.content);
        if (!mediaType) continue;
        dropExample(response.content[mediaType]);
        return pointer('components', 'responses', name, 'content', mediaType);
      }
      throw new Error('no components/responses body with an example in the spec');
    });
    expectError(problems, 'rule/response-body-example', at);
  });

  it.concurrent('rule/request-body-example: an inline request body without example', async () => {
    const { at, problems } = await lintMutated('no-request-example', (doc) => {
      for (const { path, method, operation } of operations(doc)) {
        const body = operation.requestBody;
        const mediaType = body && !body.$ref ? mediaTypeWithExample(body.content) : undefined;
        if (!mediaType) continue;
        dropExample(body.content[mediaType]);
        return pointer('paths', path, method, 'requestBody', 'content', mediaType);
      }
      throw new Error('no inline request body with an example in the spec');
    });
    expectError(problems, 'rule/request-body-example', at);
  });

  it.concurrent('rule/request-body-example: a components/requestBodies body without example', async () => {
    const { at, problems } = await lintMutated('no-component-request-example', (doc) => {
      doc.components ??= {};
      doc.components.requestBodies ??= {};
      const bodies: Record<string, any> = doc.components.requestBodies;
      // Use a request body declared under components if there is one; otherwise move an operation's body there
      // (still referenced, so no-unused-components stays quiet and only the missing example is reported).
      let name = Object.keys(bodies).find((key) => mediaTypeWithExample(bodies[key].content));
      if (!name) {
        const target = operations(doc).find(({ operation }) => {
          const body = operation.requestBody;
          return body && !body.$ref && mediaTypeWithExample(body.content);
        });
        if (!target) throw new Error('no request body with an example in the spec');
        name = 'MovedRequestBody';
        bodies[name] = target.operation.requestBody;
        target.operation.requestBody = { $ref: `#/components/requestBodies/${name}` };
      }
      const mediaType = mediaTypeWithExample(bodies[name].content)!;
      dropExample(bodies[name].content[mediaType]);
      return pointer('components', 'requestBodies', name, 'content', mediaType);
    });
    expectError(problems, 'rule/request-body-example', at);
  });

  it.concurrent('no-unused-components: a schema nothing references', async () => {
    const { at, problems } = await lintMutated('unused-component', (doc) => {
      doc.components.schemas.NothingUsesThis = { type: 'object', description: 'Referenced by no operation.' };
      return pointer('components', 'schemas', 'NothingUsesThis');
    });
    expectError(problems, 'no-unused-components', at);
  });
});
