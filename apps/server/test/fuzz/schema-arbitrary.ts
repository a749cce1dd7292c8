// JSON Schema (the 2020-12 subset openapi.yaml uses) → fast-check arbitraries: `validValue` generates values
// the schema accepts, `invalidValue` values it rejects or that are hostile to a parser (wrong types, missing
// required members, extra members, huge / unicode / control-character strings). `$ref`s are resolved
// against the spec itself, so the generators follow the contract as it changes.

import { resolveRef } from '@reminderit/openapi/spec-validator';
import fc from 'fast-check';

export type Schema = Record<string, any>;

/** Follows a local `$ref` (`#/components/...`) into the spec; other nodes are returned as they are. */
export const resolve = (node: Schema): Schema => resolveRef(node);

/** Strings a parser or a database may choke on: unicode beyond the BMP, NUL and other control characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t', '\u2028', '\ud800', '%', '\\', '"', "'", '<', '>'),
    maxLength: 20,
  }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '%00',
    '%ZZ',
    '$' + '{jndi:x}',
    '__proto__',
    'constructor',
    'null',
    'true',
    '-1',
    '1e309',
    '💥'.repeat(50),
  ),
);

/** Larger than any maxLength in the spec and, with HUGE_BODY, than the 64 KiB body limit. */
export const hugeString: fc.Arbitrary<string> = fc.constantFrom(2_001, 70_000).map((n) => 'x'.repeat(n));

const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  uuid: () => fc.uuid(),
  'date-time': () => fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  uri: () => fc.webUrl(),
  email: () => fc.emailAddress(),
};

/** `^[…]+$` with length bounds → `^[…]{min,max}$`, so generated strings need not be filtered by length. */
function boundedPattern(schema: Schema): string {
  const pattern = schema.pattern as string;
  if (!/^\^\[[^\]]+\]\+\$$/.test(pattern)) return pattern;
  const min = Math.max(1, schema.minLength ?? 1);
  const max = Math.min(schema.maxLength ?? min + 40, min + 40);
  return `${pattern.slice(0, -2)}{${min},${max}}$`;
}

function stringArb(schema: Schema): fc.Arbitrary<string> {
  const examples = [...((schema.examples as unknown[] | undefined) ?? []), ...(schema.example === undefined ? [] : [schema.example])].filter(
    (e): e is string => typeof e === 'string',
  );
  let base: fc.Arbitrary<string>;
  if (schema.format && FORMATS[schema.format as string]) base = FORMATS[schema.format as string]!();
  else if (typeof schema.pattern === 'string') base = fc.stringMatching(new RegExp(boundedPattern(schema)));
  else base = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.max(schema.minLength ?? 0, Math.min(schema.maxLength ?? 40, 40)) });
  const bounded = base.filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
  return examples.length > 0 ? fc.oneof(bounded, fc.constantFrom(...examples)) : bounded;
}

/** Values `schema` accepts (best effort for `pattern` + length combinations: filtered, never wrong). */
export function validValue(node: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(node);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as Schema[]).map((s) => validValue(s, depth + 1)));
  if (Array.isArray(schema.allOf)) {
    return fc
      .tuple(...(schema.allOf as Schema[]).map((s) => validValue(s, depth + 1)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => typeof p === 'object' && p !== null)));
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type }, depth + 1)));
  switch (types[0]) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? validValue(schema.items as Schema, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 4, Math.max(minLength, 4));
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'object':
      return objectArb(schema, depth);
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArb(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(properties)) model[name] = validValue(prop, depth + 1);
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value of some JSON type other than the schema's own. */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const types = new Set(Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!types.has('string')) candidates.push(hostileString);
  if (!types.has('integer') && !types.has('number')) candidates.push(fc.oneof(fc.integer(), fc.double()));
  if (!types.has('boolean')) candidates.push(fc.boolean());
  if (!types.has('null')) candidates.push(fc.constant(null));
  if (!types.has('array')) candidates.push(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
  if (!types.has('object')) candidates.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));
  return fc.oneof(...candidates);
}

/**
 * Values that break `schema` (or stress whoever reads it): a wrong type, a hostile or huge string, an
 * object missing a required member / with an unknown one / with one member broken recursively.
 */
export function invalidValue(node: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(node);
  const generic: fc.Arbitrary<unknown>[] = [wrongType(schema), hostileString, hugeString];
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.allOf)) return fc.oneof(...generic, fc.jsonValue({ maxDepth: 3 }));
  if (schema.type !== 'object' || depth > 2) return fc.oneof(...generic);
  const properties = Object.keys((schema.properties ?? {}) as Record<string, Schema>);
  const required = (schema.required ?? []) as string[];
  const mutations: fc.Arbitrary<unknown>[] = [
    ...generic,
    // an unknown member (rejected where additionalProperties is false, ignored by the OAuth endpoints)
    fc
      .tuple(objectArb(schema, depth), fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
      .map(([value, key, extra]) => (key in value ? value : { ...value, [key]: extra })),
  ];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(objectArb(schema, depth), fc.constantFrom(...required)).map(([value, missing]) => {
        const { [missing]: _dropped, ...rest } = value;
        return rest;
      }),
    );
  }
  const stringMembers = properties.filter((name) => resolve((schema.properties as Record<string, Schema>)[name]!).type === 'string');
  // An otherwise valid object whose one string member carries a NUL or another control character: weighted
  // up, as it is the mutation most likely to pass validation and reach the database.
  const controlCharacter =
    stringMembers.length > 0
      ? fc
          .tuple(objectArb(schema, depth), fc.constantFrom(...stringMembers), fc.constantFrom('\u0000', '\u0000', '\u0001', '\u001b[31m', '\r\n'))
          .map(([value, name, bad]) => ({ ...value, [name]: `${typeof value[name] === 'string' ? value[name] : 'x'}${bad}` }))
      : undefined;
  if (properties.length > 0) {
    mutations.push(
      fc
        .constantFrom(...properties)
        .chain((name) =>
          fc
            .tuple(objectArb(schema, depth), invalidValue((schema.properties as Record<string, Schema>)[name]!, depth + 1))
            .map(([value, broken]) => ({ ...value, [name]: broken })),
        ),
    );
  }
  return controlCharacter ? fc.oneof(...mutations, { arbitrary: controlCharacter, weight: mutations.length }) : fc.oneof(...mutations);
}
