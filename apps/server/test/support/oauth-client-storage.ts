// What an MCP client's OAuthClientProvider keeps between the legs of one authorization (state, the client's
// registration, PKCE verifier, tokens, discovery state), in memory: the part every scripted provider in these
// tests shares. Subclasses say who the client is and how the user's browser answers the authorization request.
import { randomBytes } from 'node:crypto';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export abstract class InMemoryOAuthClientStorage {
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #state = '';
  #discovery: unknown;

  /** The `state` of the last authorization request (RFC 6749 §10.12), for the callback check. */
  protected get lastState(): string {
    return this.#state;
  }
  state(): string {
    this.#state = randomBytes(16).toString('base64url');
    return this.#state;
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
  /** v2 clients keep the discovered authorization server for the callback leg (SEP-2352). */
  saveDiscoveryState(state: unknown) {
    this.#discovery = state;
  }
  discoveryState() {
    return this.#discovery as never;
  }
}
