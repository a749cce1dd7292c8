// GET /openapi.yaml: the contract this server validates every request against, read once at start. Its
// `servers` entry (the local dev server in the file) is replaced by PUBLIC_URL, so SDK generators and the
// reference's "Try it" (/docs) call the server that served it. Comments and layout of the file are kept.
import { contractText } from '@reminderit/openapi/contract';
import { withServers } from '@reminderit/openapi/servers';
import type { GetOpenApiSpecData, GetOpenApiSpecResponses } from '@reminderit/sdk';
import type { Config } from '../config.ts';
import { operation } from '../http/operation.ts';

/** RFC 9512 §2.1: the registered media type for YAML. */
export const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8';

export function openApiDocumentHandlers({ config }: { config: Config }) {
  // The spec file as this server serves it: `servers` names PUBLIC_URL only.
  const body = withServers(contractText(), [{ url: config.publicUrl, description: 'This server (`PUBLIC_URL`).' }]);
  return {
    getOpenApiSpec: operation<GetOpenApiSpecData, GetOpenApiSpecResponses>(async () => ({
      status: 200,
      body,
      contentType: YAML_CONTENT_TYPE,
      // RFC 9111 §5.2.2.4: caches revalidate, so a new deployment's contract shows at once.
      headers: { 'cache-control': 'no-cache' },
    })),
  };
}
