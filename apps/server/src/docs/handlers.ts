// The contract served by the server itself: /openapi.yaml and the reference UI at /docs.
import type { Config } from '../config.ts';
import { apiReferenceHandlers } from './api-reference.ts';
import { apiReferenceAssetHandlers } from './api-reference-asset.ts';
import { openApiDocumentHandlers } from './openapi-document.ts';
import { referenceBundle } from './reference-bundle.ts';

export function docsHandlers({ config }: { config: Config }) {
  const bundle = referenceBundle();
  return {
    ...openApiDocumentHandlers({ config }),
    ...apiReferenceHandlers({ config, bundle }),
    ...apiReferenceAssetHandlers({ bundle }),
  };
}
