// An SSRF-safe GET for Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-00 §6;
// OWASP SSRF prevention). The URL's host is resolved by the injected resolver, every address is checked
// (address-filter.ts), and the socket connects to the address that was checked: the resolver runs inside
// undici's `connect.lookup`, so nothing resolves the name a second time (no DNS-rebinding window).
// https only (http only for loopback hosts with CIMD_ALLOW_LOOPBACK_HTTP), no redirects followed, one
// deadline for the whole exchange, the body counted while it streams and abandoned past the limit.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason, isLoopbackAddress } from './address-filter.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name → addresses. Injected so tests never depend on (or reach) real DNS and private networks. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface SafeFetchOptions {
  resolve: Resolver;
  /** Deadline of the whole exchange: resolve, connect, TLS, headers and body. */
  timeoutMs: number;
  maxBytes: number;
  /** CIMD_ALLOW_LOOPBACK_HTTP: loopback hosts (and their loopback addresses) allowed, over http too. */
  allowLoopback: boolean;
  /** Extra trusted CA certificates (PEM), for tests serving https from loopback. */
  ca?: string | undefined;
}

/** The fetch was refused or failed; `message` says why, in words fit for the authorization error page. */
export class FetchRefusedError extends Error {}

export interface FetchedDocument {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** RFC 8259 §11 / RFC 6839 §3.1: application/json or any application/*+json. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

function refuseAddress(address: string, loopbackAllowed: boolean): string | undefined {
  if (loopbackAllowed && isLoopbackAddress(address)) return undefined;
  const reason = blockedAddressReason(address);
  return reason === undefined ? undefined : `its host resolves to a ${reason} address (${address})`;
}

/** net/tls `lookup` answering from the checked addresses only. */
function checkedLookup(opts: SafeFetchOptions, loopbackAllowed: boolean, onRefusal: (reason: string) => void): LookupFunction {
  return (hostname, options, callback) => {
    opts
      .resolve(hostname)
      .then((addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        // Every address must pass, not just one: the connection may try any of them (happy eyeballs).
        for (const { address } of wanted) {
          const reason = refuseAddress(address, loopbackAllowed);
          if (reason !== undefined) {
            onRefusal(reason);
            throw Object.assign(new Error(reason), { code: 'EADDRNOTAVAIL' });
          }
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

/** GETs `url` under every rule above; throws FetchRefusedError saying why it could not be used. */
export async function safeFetch(url: URL, opts: SafeFetchOptions): Promise<FetchedDocument> {
  const loopbackAllowed = opts.allowLoopback && LOOPBACK_HOSTNAMES.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackAllowed)) {
    throw new FetchRefusedError('the document must be served over https');
  }
  // An IP literal is never looked up, so it is checked here.
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal) !== 0) {
    const reason = refuseAddress(literal, loopbackAllowed);
    if (reason !== undefined) throw new FetchRefusedError(reason.replace('its host resolves to', 'its host is'));
  }

  let refusal: string | undefined;
  // Imported on first use (Node caches it after that): most servers never fetch a metadata document, and
  // undici is ~110 modules (imported alone into a bare Node process: +28 MiB RSS).
  const { Agent, request } = await import('undici');
  const agent = new Agent({
    connect: { lookup: checkedLookup(opts, loopbackAllowed, (r) => (refusal = r)), ca: opts.ca, timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connections: 1,
  });
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    // undici's request() never follows redirects (no redirect interceptor is installed).
    const res = await request(url, { dispatcher: agent, method: 'GET', headers: { accept: 'application/json' }, signal });
    try {
      if (res.statusCode >= 300 && res.statusCode < 400) {
        throw new FetchRefusedError(`it answered with a redirect (HTTP ${res.statusCode}), and redirects are not followed`);
      }
      if (res.statusCode !== 200) throw new FetchRefusedError(`it answered HTTP ${res.statusCode} instead of the document`);
      const type = String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      if (!JSON_MEDIA_TYPE.test(type)) throw new FetchRefusedError(`it is not JSON (Content-Type ${type || 'missing'})`);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) throw tooBig(opts.maxBytes);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > opts.maxBytes) throw tooBig(opts.maxBytes);
        chunks.push(chunk as Buffer);
      }
      return { body: Buffer.concat(chunks).toString('utf8'), headers: res.headers };
    } finally {
      // Abandon whatever is left unread (its AbortError has no reader to go to).
      res.body.on('error', () => {});
      res.body.destroy();
    }
  } catch (err) {
    if (err instanceof FetchRefusedError) throw err;
    if (refusal !== undefined) throw new FetchRefusedError(refusal);
    const code = (err as { code?: string }).code;
    if (signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) throw new FetchRefusedError(`it took longer than ${opts.timeoutMs} ms to fetch`);
    throw new FetchRefusedError(`it could not be fetched${code ? ` (${code})` : ''}`);
  } finally {
    void agent.destroy().catch(() => {});
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function tooBig(maxBytes: number): FetchRefusedError {
  return new FetchRefusedError(`it is larger than ${maxBytes} bytes`);
}
