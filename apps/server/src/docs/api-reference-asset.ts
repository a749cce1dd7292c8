// GET /docs/assets/{file}: the scripts the reference page loads, from this server (never a CDN). The one
// asset is Scalar's standalone bundle under its versioned name; any other name is 404.
import type { GetApiReferenceAssetData, GetApiReferenceAssetErrors, GetApiReferenceAssetResponses } from '@reminderit/sdk';
import { notFound } from '../errors.ts';
import { operation } from '../http/operation.ts';
import type { ReferenceBundle } from './reference-bundle.ts';

/** RFC 9239 §6: text/javascript is the one media type for JavaScript. */
const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** The name carries the version (RFC 8246: an immutable response never changes while fresh). */
const IMMUTABLE = { 'cache-control': 'public, max-age=31536000, immutable' };

export function apiReferenceAssetHandlers({ bundle }: { bundle: ReferenceBundle }) {
  return {
    getApiReferenceAsset: operation<GetApiReferenceAssetData, GetApiReferenceAssetResponses & GetApiReferenceAssetErrors>(async ({ path }) => {
      if (path.file !== bundle.fileName) throw notFound('No such asset.');
      return { status: 200, body: await bundle.read(), contentType: JAVASCRIPT, headers: IMMUTABLE };
    }),
  };
}
