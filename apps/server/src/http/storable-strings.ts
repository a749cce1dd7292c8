// Strings the stores can hold. PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses ill-formed
// UTF-16 (a lone surrogate such as "\ud800", which JSON's \u escapes can spell: RFC 8259 §8.2); no field of
// this API means either. Every request value is checked here, before any handler or store sees it.

export interface UnstorableString {
  /** Where it was found: `body.client_name`, `body.contacts[0]`, `query.state`, `header x-foo`. */
  where: string;
  problem: string;
}

const LONE_SURROGATE = /\p{Cs}/u;

function problemOf(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL characters (U+0000)';
  // In a `u` regular expression a surrogate pair reads as one code point, so \p{Cs} matches lone ones only.
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (it holds a lone UTF-16 surrogate)';
  return undefined;
}

/** The first string in a parsed value (JSON or form fields, member names included) the stores cannot hold. */
export function findUnstorableString(value: unknown, where: string, depth = 0): UnstorableString | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { where, problem } : undefined;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 64) return undefined;
  const array = Array.isArray(value);
  for (const [name, member] of Object.entries(value)) {
    const nameProblem = array ? undefined : problemOf(name);
    if (nameProblem) return { where: `${where} member name`, problem: nameProblem };
    const found = findUnstorableString(member, array ? `${where}[${name}]` : `${where}.${name}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
