// Discovery documents: RFC 8414 authorization-server metadata and RFC 9728 protected-resource metadata.
import type {
  GetAuthorizationServerMetadataData,
  GetAuthorizationServerMetadataResponses,
  GetMcpProtectedResourceMetadataData,
  GetMcpProtectedResourceMetadataResponses,
  GetProtectedResourceMetadataData,
  GetProtectedResourceMetadataResponses,
  ProtectedResourceMetadata,
} from '@reminderit/sdk';
import type { Config } from '../config.ts';
import { operation } from '../http/operation.ts';
import { SUPPORTED_SCOPES } from './scopes.ts';

/** Token endpoint client authentication methods (RFC 7591 §2; RFC 6749 §2.3.1). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;

const CACHE = { 'cache-control': 'public, max-age=3600' };

export function discoveryHandlers({ config }: { config: Config }) {
  const issuer = config.publicUrl;
  // RFC 8414 §2. `issuer` is exactly PUBLIC_URL; RFC 9207 §3: authorization responses carry `iss`.
  const authorizationServerMetadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    scopes_supported: [...SUPPORTED_SCOPES],
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs`,
    // Client ID Metadata Documents (MCP authorization 2025-11-25; draft-ietf-oauth-client-id-metadata-document
    // §5): clients such as Claude use them when this is true and `none` is among the token endpoint auth methods.
    // registration_endpoint stays for older clients (DCR, deprecated in MCP 2026-07-28 but kept).
    client_id_metadata_document_supported: true,
  };
  // RFC 9728 §2 (and §3.1: the /mcp-suffixed well-known URL names the resource at PUBLIC_URL/mcp).
  const protectedResourceMetadata: ProtectedResourceMetadata = {
    resource: config.mcpResource,
    authorization_servers: [issuer],
    scopes_supported: [...SUPPORTED_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'ReminderIt MCP',
  };
  return {
    getAuthorizationServerMetadata: operation<GetAuthorizationServerMetadataData, GetAuthorizationServerMetadataResponses>(async () => ({
      status: 200,
      body: authorizationServerMetadata,
      headers: CACHE,
    })),
    getMcpProtectedResourceMetadata: operation<GetMcpProtectedResourceMetadataData, GetMcpProtectedResourceMetadataResponses>(async () => ({
      status: 200,
      body: protectedResourceMetadata,
      headers: CACHE,
    })),
    // The root document describes the same (only) protected resource, for clients that probe it first.
    getProtectedResourceMetadata: operation<GetProtectedResourceMetadataData, GetProtectedResourceMetadataResponses>(async () => ({
      status: 200,
      body: protectedResourceMetadata,
      headers: CACHE,
    })),
  };
}
