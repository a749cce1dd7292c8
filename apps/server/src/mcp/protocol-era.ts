// Which MCP protocol era a POST to /mcp speaks, decided from its body as the MCP TypeScript SDK does: a
// per-request `_meta` envelope (`io.modelcontextprotocol/protocolVersion`) means 2026-07-28 ("modern"),
// none means a 2025 revision ("legacy", opened with `initialize`). MCP 2026-07-28, Streamable HTTP: the
// `MCP-Protocol-Version` header must agree with the body; a strict server refuses a mismatch.
//
// Claude is known to send two mismatches, each served in the era its body shows (logged once per client):
// (a) `MCP-Protocol-Version: 2026-07-28` on the plain, envelope-less requests of a connection it negotiated
//     as 2025-11-25 → served as 2025-11-25 (plain: no `io.modelcontextprotocol/*` `_meta` key at all, and
//     not a method only 2026-07-28 has — a partial envelope or an envelope-less `server/discover` is a
//     malformed 2026-07-28 request and gets that revision's -32602);
// (b) `MCP-Protocol-Version: 2025-11-25` on a request carrying a 2026-07-28 envelope → served as 2026-07-28
//     (the standard `Mcp-Method`/`Mcp-Name` headers, which a 2025 transport does not send, are derived from
//     the body when absent; when present they must agree with it).
// Every other mismatch goes to the SDK unchanged and gets the spec's error (-32020 header mismatch,
// -32602 missing envelope, -32022 unsupported version).
import { PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';

export const MODERN_REVISION = '2026-07-28';
export const LEGACY_REVISION = '2025-11-25';

export type Tolerated = 'modern-header-on-legacy-body' | 'legacy-header-on-modern-body';

export interface EraDecision {
  /** The request headers to serve it with (the protocol-version header corrected for a tolerated mismatch). */
  headers: Headers;
  /** Set when one of Claude's known mismatches was corrected. */
  tolerated?: Tolerated;
}

type Message = { method?: unknown; params?: { name?: unknown; uri?: unknown; _meta?: Record<string, unknown> } };

const ENVELOPE_PREFIX = 'io.modelcontextprotocol/';
/** Methods a 2025 connection never sends (MCP 2026-07-28 only). */
const MODERN_ONLY_METHODS = new Set(['server/discover', 'subscriptions/listen']);

/** Whether no message of the body carries any part of a 2026-07-28 envelope or uses a 2026-only method. */
function isPlainLegacy(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).every((message) => {
    const { method, params } = (message ?? {}) as Message;
    if (typeof method === 'string' && MODERN_ONLY_METHODS.has(method)) return false;
    return !Object.keys(params?._meta ?? {}).some((k) => k.startsWith(ENVELOPE_PREFIX));
  });
}

/** The revision the body's `_meta` envelope claims (MCP 2026-07-28 "Request Metadata"), if any message has one. */
export function envelopeRevision(body: unknown): string | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const claim = (message as Message | null)?.params?._meta?.[PROTOCOL_VERSION_META_KEY];
    if (typeof claim === 'string') return claim;
  }
  return undefined;
}

/** Header values a 2026-07-28 client derives from the body (Streamable HTTP "Standard Headers"). */
function standardHeaders(body: unknown): { method?: string; name?: string } {
  if (Array.isArray(body) || typeof body !== 'object' || body === null) return {};
  const { method, params } = body as Message;
  const mirrored = method === 'resources/read' ? params?.uri : method === 'tools/call' || method === 'prompts/get' ? params?.name : undefined;
  // Only values that travel as a plain header; anything else is left for the SDK to refuse.
  const plain = (v: unknown) => (typeof v === 'string' && /^[\x21-\x7e]+$/.test(v) ? v : undefined);
  return { method: plain(method), name: plain(mirrored) };
}

export function decideEra(body: unknown, requestHeaders: ConstructorParameters<typeof Headers>[0]): EraDecision {
  const headers = new Headers(requestHeaders);
  const header = headers.get('mcp-protocol-version');
  const claimed = envelopeRevision(body);
  if (claimed === undefined && header === MODERN_REVISION && isPlainLegacy(body)) {
    headers.set('mcp-protocol-version', LEGACY_REVISION);
    return { headers, tolerated: 'modern-header-on-legacy-body' };
  }
  if (claimed === MODERN_REVISION && header === LEGACY_REVISION) {
    headers.set('mcp-protocol-version', MODERN_REVISION);
    const derived = standardHeaders(body);
    if (!headers.has('mcp-method') && derived.method) headers.set('mcp-method', derived.method);
    if (!headers.has('mcp-name') && derived.name) headers.set('mcp-name', derived.name);
    return { headers, tolerated: 'legacy-header-on-modern-body' };
  }
  return { headers };
}

const MAX_REMEMBERED = 10_000;

/** Logs a tolerated mismatch at info once per client and kind (a bounded, per-process memory of who was logged). */
export function createToleranceLog() {
  const seen = new Set<string>();
  return (log: { info: (obj: object, msg: string) => void }, client: string, tolerated: Tolerated): void => {
    const id = `${client}\u0000${tolerated}`;
    if (seen.has(id)) return;
    if (seen.size >= MAX_REMEMBERED) seen.clear();
    seen.add(id);
    log.info({ client, mismatch: tolerated }, 'mcp: served a request whose protocol-version header disagrees with its body, in the era the body shows');
  };
}
