// Generates src/gen/** from the contract. Generated files are committed; CI regenerates and fails on any diff.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../openapi/openapi.yaml',
  output: { path: 'src/gen' },
  plugins: ['@hey-api/client-fetch', { name: '@hey-api/typescript', enums: 'javascript' }, '@hey-api/sdk'],
});
