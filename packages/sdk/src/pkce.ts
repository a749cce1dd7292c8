// PKCE helpers (RFC 7636). Web Crypto only, so they run in browsers and on Node >= 20 alike.

const VERIFIER_BYTES = 32; // 43 base64url characters, the minimum length of RFC 7636 §4.1

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh high-entropy code_verifier (RFC 7636 §4.1). */
export function createCodeVerifier(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(VERIFIER_BYTES)));
}

/** code_challenge = BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2, method S256). */
export async function createCodeChallenge(codeVerifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64url(new Uint8Array(digest));
}

/** A verifier and its S256 challenge, ready for an authorization request. */
export async function createPkcePair(): Promise<{ codeVerifier: string; codeChallenge: string; codeChallengeMethod: 'S256' }> {
  const codeVerifier = createCodeVerifier();
  return { codeVerifier, codeChallenge: await createCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/** An unguessable `state` value for CSRF protection of the redirect (RFC 6749 §10.12). */
export function createState(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}
