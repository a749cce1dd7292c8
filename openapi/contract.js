// The contract's text, for Node consumers that serve it (the MSW mocks in Node). Read on first use — not at
// import, so importing this from a non-Node test environment (jsdom) costs nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let text;
export function contractText() {
  text ??= readFileSync(fileURLToPath(new URL('./openapi.yaml', import.meta.url)), 'utf8');
  return text;
}
