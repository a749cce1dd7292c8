// Breaking-change detection between two versions of the contract, with api-smart-diff (pure JavaScript, offline,
// no install script). It resolves `$ref`s, so a change to a component is reported both where the component is
// declared and at every request/response that uses it; changes are classified breaking / non-breaking /
// annotation / deprecated / unclassified, and only `breaking` ones fail the check.
import { apiCompare } from 'api-smart-diff';
import { parse } from 'yaml';

export type SpecChange = {
  type: string;
  /** JSON Pointer (RFC 6901) of the changed node, in the document after the change (or before, for a removal). */
  pointer: string;
  description: string;
};

export type BreakingReport = {
  breaking: SpecChange[];
  unclassified: SpecChange[];
  /** The spec's `info.version` bump declares the breaking change on purpose (see `breakingAllowedByVersion`). */
  versionBumpAllows: boolean;
};

const toPointer = (path: readonly (string | number)[]): string => `/${path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** Every change of the given classification, de-duplicated, in document order. */
function changesOfType(diffs: readonly any[], type: string): SpecChange[] {
  const seen = new Set<string>();
  const changes: SpecChange[] = [];
  for (const diff of diffs) {
    if (diff.type !== type) continue;
    const pointer = toPointer(diff.path ?? []);
    const description = diff.description ?? `[${diff.action}]`;
    const key = `${pointer} ${description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changes.push({ type, pointer, description });
  }
  return changes;
}

/**
 * A breaking change is declared on purpose by bumping the spec's `info.version` the way semantic versioning
 * says a breaking release must (SemVer 2.0.0 §8): a new major version, or — while the major version is 0
 * (§4: anything may change) — a new minor version.
 */
export function breakingAllowedByVersion(before: unknown, after: unknown): boolean {
  const version = (doc: unknown) => {
    const raw = (doc as { info?: { version?: unknown } } | null)?.info?.version;
    const match = typeof raw === 'string' ? /^(\d+)\.(\d+)\./.exec(raw) : null;
    return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
  };
  const old = version(before);
  const next = version(after);
  if (!old || !next) return false;
  if (next.major !== old.major) return next.major > old.major;
  return old.major === 0 && next.minor > old.minor;
}

/** Compare two OpenAPI documents given as YAML (or JSON) text. */
export function findBreakingChanges(beforeText: string, afterText: string): BreakingReport {
  const before = parse(beforeText);
  const after = parse(afterText);
  const { diffs } = apiCompare(before, after);
  return {
    breaking: changesOfType(diffs, 'breaking'),
    unclassified: changesOfType(diffs, 'unclassified'),
    versionBumpAllows: breakingAllowedByVersion(before, after),
  };
}
