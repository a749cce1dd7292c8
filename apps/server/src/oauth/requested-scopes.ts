// Scope of an authorization request (RFC 6749 §3.3). Absent → every scope this server supports. Present →
// the supported subset is granted (the AS "MAY fully or partially ignore the scope requested"); a request
// naming no supported scope at all is refused with invalid_scope.
import { SUPPORTED_SCOPES } from './scopes.ts';

export function resolveScopes(requested: string | undefined): string[] | undefined {
  if (requested === undefined || requested.trim() === '') return [...SUPPORTED_SCOPES];
  const asked = new Set(requested.split(' ').filter(Boolean));
  const granted = SUPPORTED_SCOPES.filter((s) => asked.has(s));
  return granted.length > 0 ? granted : undefined;
}
