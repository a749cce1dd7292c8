// The Cache-Control values responses share. Anything carrying a credential, a session or an error is never
// stored by a cache (RFC 9111 §5.2.2.5); token responses add the HTTP/1.0 `Pragma` too (RFC 6749 §5.1).

/** Never stored: sessions, key listings, health, MCP replies, errors. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

/** Token endpoint success responses (RFC 6749 §5.1). */
export const TOKEN_NO_STORE: Readonly<Record<string, string>> = Object.freeze({ ...NO_STORE, pragma: 'no-cache' });
