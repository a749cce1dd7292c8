// The MCP transport refuses some requests itself, before any JSON-RPC method runs (MCP Streamable HTTP):
// an `Accept` without both application/json and text/event-stream (406), an unsupported
// `MCP-Protocol-Version` or a batch it will not take (400). It answers those with a JSON-RPC error body
// (`{"jsonrpc":"2.0","error":{code,message},"id":null}`); this API has one error shape (RFC 6749 §5.2),
// so the refusal is re-expressed as an OAuthError with the same status and the transport's message.
import { invalidRequest, notAcceptable, unsupportedMediaType } from '../errors.ts';

const DESCRIPTION_MAX = 500;

/** Whether a body is a JSON-RPC error response (`{"jsonrpc":"2.0","error":{code,message},"id":…}`). */
export function isJsonRpcError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { jsonrpc?: unknown; error?: { code?: unknown } };
    return parsed.jsonrpc === '2.0' && typeof parsed.error?.code === 'number';
  } catch {
    return false;
  }
}

function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The OAuthError for a 4xx the transport produced; undefined for other statuses (a 5xx is the transport
 * failing, which the caller treats as an internal error).
 */
export function transportRefusal(status: number, body: string): ReturnType<typeof invalidRequest> | undefined {
  if (status < 400 || status >= 500) return undefined;
  const description = (messageOf(body) ?? 'The MCP transport refused the request.').slice(0, DESCRIPTION_MAX);
  if (status === 406) return notAcceptable(description);
  if (status === 415) return unsupportedMediaType(description);
  return invalidRequest(description);
}
