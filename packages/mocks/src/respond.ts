// Typed replies: a resolver returns `{ status, body }` where the body's type is the one the generated SDK
// declares for that operation and status, so a mock cannot answer a status or a shape the spec lacks
// without a compile error. `route()` turns the reply into an MSW response.
import type { OAuthError, OAuthErrorCode } from '@reminderit/sdk';
import { type HttpHandler, HttpResponse, http } from 'msw';
import type { MockState } from './state.ts';

type Headers = Record<string, string>;
type ReplyFor<S, B> = undefined extends B ? { status: S; body?: B; headers?: Headers } : { status: S; body: B; headers?: Headers };

/** One of the replies an operation may give. `R` maps status → body, e.g. `LogInResponses & LogInErrors`. */
export type Reply<R> = { [S in keyof R & number]: ReplyFor<S, R[S]> }[keyof R & number];

export interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
}

export type Resolver<R> = (ctx: RouteContext) => Reply<R> | Promise<Reply<R>>;

export type Method = 'get' | 'post' | 'delete';

/** An OAuth error body (the API's only error shape) with the given status. */
export function oauthError<S extends number>(status: S, error: OAuthErrorCode, description: string): { status: S; body: OAuthError } {
  return { status, body: { error, error_description: description } };
}

function toResponse(reply: { status: number; body?: unknown; headers?: Headers }): Response {
  const headers = new globalThis.Headers(reply.headers);
  // Every error response carries `Cache-Control: no-store` (spec: components/headers/CacheControlNoStore).
  if (reply.status >= 400) headers.set('Cache-Control', 'no-store');
  if (reply.body === undefined || reply.body === null) return new HttpResponse(null, { status: reply.status, headers });
  if (typeof reply.body === 'string') {
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'text/html; charset=utf-8');
    return new HttpResponse(reply.body, { status: reply.status, headers });
  }
  return HttpResponse.json(reply.body as Record<string, unknown>, { status: reply.status, headers });
}

/** `/api/consent/{requestId}` (spec and SDK) → `/api/consent/:requestId` (MSW). */
export function toMswPath(specPath: string): string {
  return specPath.replace(/\{([^}]+)\}/g, ':$1');
}

export type Router = <Data extends { url: string }, R>(method: Method, path: Data['url'], resolve: Resolver<R>) => HttpHandler;

/**
 * Route factory bound to one state and base URL. `Data` is the SDK's `…Data` type of the operation, so the
 * path must be the spec's path for it. In the `serverError` scenario every route answers 500.
 */
export function createRouter(state: MockState, baseUrl: string): Router {
  const base = baseUrl.replace(/\/+$/, '');
  return (method, path, resolve) =>
    http[method](`${base}${toMswPath(path)}`, async ({ request, params }) => {
      if (state.failure === 'server_error') {
        return toResponse(oauthError(500, 'server_error', 'The server hit an unexpected condition.'));
      }
      if (await bodyHasUnstorableString(request)) {
        // RFC 7591 §3.2.2: registration names its own code for refused metadata.
        const code = path === '/register' ? 'invalid_client_metadata' : 'invalid_request';
        return toResponse(oauthError(400, code, 'The request body must not contain NUL characters (U+0000) or lone UTF-16 surrogates.'));
      }
      const reply = await resolve({ request, url: new URL(request.url), params: params as Record<string, string> });
      return toResponse(reply as { status: number; body?: unknown; headers?: Headers });
    });
}

/** NUL, or a lone surrogate (in a `u` expression a surrogate pair is one code point, not \p{Cs}). */
const unstorable = (s: string) => s.includes('\u0000') || /\p{Cs}/u.test(s);

function containsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return unstorable(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([name, member]) => unstorable(name) || containsUnstorable(member));
}

/**
 * As the server refuses it before any handler: U+0000 or a lone surrogate anywhere in a JSON or form body
 * (PostgreSQL cannot store them).
 */
async function bodyHasUnstorableString(request: Request): Promise<boolean> {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const type = request.headers.get('Content-Type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return containsUnstorable(Object.fromEntries(await readForm(request)));
  return containsUnstorable(await readJson(request));
}

/** The request's JSON body, or undefined when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.clone().json();
  } catch {
    return undefined;
  }
}

/** The request's form-encoded body (token and revocation endpoints). */
export async function readForm(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await request.clone().text());
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
