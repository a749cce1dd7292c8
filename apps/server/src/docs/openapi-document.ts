// GET /openapi.yaml: the contract this server validates every request against, read once at start. Its
// `servers` entry (the local dev server in the file) is replaced by PUBLIC_URL, so SDK generators and the
// reference's "Try it" (/docs) call the server that served it. Comments and layout of the file are kept.
import { readFileSync } from 'node:fs';
import { specPath } from '@reminderit/openapi/path';
import type { GetOpenApiSpecData, GetOpenApiSpecResponses } from '@reminderit/sdk';
import { parseDocument } from 'yaml';
import type { Config } from '../config.ts';
import { operation } from '../http/operation.ts';

/** RFC 9512 §2.1: the registered media type for YAML. */
export const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8';

/** The spec file as served by `config`'s server: `servers` names PUBLIC_URL only. */
export function servedOpenApiDocument(config: Pick<Config, 'publicUrl'>, source = readFileSync(specPath, 'utf8')): string {
  const document = parseDocument(source);
  document.set('servers', document.createNode([{ url: config.publicUrl, description: 'This server (`PUBLIC_URL`).' }]));
  return document.toString({ lineWidth: 0 });
}

export function openApiDocumentHandlers({ config }: { config: Config }) {
  const body = servedOpenApiDocument(config);
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
