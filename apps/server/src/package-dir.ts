// The server package's directory (apps/server/), for files found from it (migrations, the consent app).
// Resolved from a module one level below it: the same URL whether the server runs from src/ (tests, `node
// src/main.ts`) or from its bundle dist/main.js (`./run start`, bundle.ts), which keeps import.meta.url as is.
export const packageDir = new URL('../', import.meta.url);
