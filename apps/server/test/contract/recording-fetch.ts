// A browser-like fetch (cookies kept, redirects not followed) that also records every exchange, so a contract
// test can look at exactly what went over the wire for each SDK call — independent of how the SDK parses it.
import { cookieFetch } from '../support/cookie-fetch.ts';

export interface Exchange {
  method: string;
  /** Path of the request URL (no origin, no query): the same for every target. */
  path: string;
  status: number;
  headers: Headers;
  /** The raw body text ('' when empty). */
  text: string;
}

export type RecordingFetch = typeof fetch & { exchanges: Exchange[] };

export function recordingFetch(): RecordingFetch {
  const browser = cookieFetch();
  const exchanges: Exchange[] = [];
  const f = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, init);
    const res = await browser(request);
    exchanges.push({
      method: request.method,
      path: new URL(request.url).pathname,
      status: res.status,
      headers: res.headers,
      text: await res.clone().text(),
    });
    return res;
  }) as RecordingFetch;
  f.exchanges = exchanges;
  return f;
}
