// The answers to `tools/list` and `server/discover`, kept. Both are the same for every caller (the catalog is
// built once at start; scopes are enforced on `tools/call`, not on the listing) and MCP 2026-07-28 marks them
// `cacheScope: public` (tool-catalog.ts LIST_CACHE_HINT). So the MCP SDK answers the first request of each
// shape — its headers and its body minus the JSON-RPC `id` — and later requests of that shape get the same
// answer with their own `id` (JSON-RPC 2.0 §5: the response carries the request's id), byte for byte what the
// SDK would have sent, without building a server and a transport per request. Refusals, errors and every
// other method go through the SDK each time. The answers change only with a deployment (a new process).
import type { RawResult } from '../http/operation.ts';
import type { Tolerated } from './protocol-era.ts';

/** The methods whose answer depends on nothing but the request's shape. */
const LISTING_METHODS = new Set(['tools/list', 'server/discover']);

/** Distinct shapes kept (client names and versions vary the `_meta` envelope); the oldest goes first. */
const MAX_SHAPES = 256;

type JsonRpcId = string | number;

interface KeptAnswer {
  status: number;
  contentType: string | undefined;
  /**
   * The SDK's response body around its `id` value, as UTF-8 bytes: body = before + JSON.stringify(id) + after
   * (bytes, so a replay is two copies and a write, not a 7 KB string measured and encoded again).
   */
  before: Buffer;
  after: Buffer;
  /** The known header/body mismatch this shape was served despite (protocol-era.ts), logged on replay too. */
  tolerated: Tolerated | undefined;
}

/** A kept answer with the request's id, and the mismatch tolerated for its shape. */
export type KeptResult = RawResult & { tolerated?: Tolerated };

/** Stands in for the id while the kept body is cut in two (a value no answer can otherwise contain). */
const ID_MARK = JSON.stringify('\u0000id\u0000');

export interface ListingRequest {
  shape: string;
  id: JsonRpcId;
}

function isRequestObject(body: unknown): body is { id: JsonRpcId; method: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { id, method } = body as { id?: unknown; method?: unknown };
  return (typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id))) && typeof method === 'string';
}

/**
 * The Content-Type the client got with the SDK's (string) answer: Fastify adds `charset=utf-8` to a JSON
 * media type sent as a string without one, and sends bytes with the type as given — so the replay names it.
 */
function sentContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.includes('json') || /;\s*charset=/i.test(contentType)) return contentType;
  return `${contentType}; charset=utf-8`;
}

export function createListingAnswers() {
  const kept = new Map<string, KeptAnswer>();
  return {
    /** The request's shape, when it is a single listing request; undefined for anything else. */
    listingRequest(body: unknown, headers: Iterable<[string, string]>): ListingRequest | undefined {
      if (!isRequestObject(body) || !LISTING_METHODS.has(body.method)) return undefined;
      const { id, ...rest } = body;
      return { shape: JSON.stringify([[...headers], rest]), id };
    },

    /** The kept answer for this shape, with the request's id. */
    answer(request: ListingRequest): KeptResult | undefined {
      const answer = kept.get(request.shape);
      if (!answer) return undefined;
      const body = Buffer.concat([answer.before, Buffer.from(JSON.stringify(request.id)), answer.after]);
      return { status: answer.status, contentType: answer.contentType, body, ...(answer.tolerated ? { tolerated: answer.tolerated } : {}) };
    },

    /** Keeps the SDK's answer to `request` if it is a result (never an error or a refusal). */
    keep(request: ListingRequest, result: RawResult, tolerated?: Tolerated): void {
      if (result.status !== 200 || typeof result.body !== 'string') return;
      let message: unknown;
      try {
        message = JSON.parse(result.body);
      } catch {
        return;
      }
      const m = message as Record<string, unknown> | null;
      if (typeof m !== 'object' || m === null || m.id !== request.id || !('result' in m)) return;
      const [before, after, ...more] = JSON.stringify({ ...m, id: JSON.parse(ID_MARK) }).split(ID_MARK);
      if (before === undefined || after === undefined || more.length > 0) return;
      if (kept.size >= MAX_SHAPES) kept.delete(kept.keys().next().value as string);
      kept.set(request.shape, {
        status: result.status,
        contentType: sentContentType(result.contentType),
        before: Buffer.from(before),
        after: Buffer.from(after),
        tolerated,
      });
    },
  };
}
