// Absolute path of the spec, for consumers that load it at run time (the server, contract tests).
import { fileURLToPath } from 'node:url';
export const specPath = fileURLToPath(new URL('./openapi.yaml', import.meta.url));
