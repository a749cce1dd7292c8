// Preloaded into the server by bench/memory.ts (`node --import ./bench/memory-probe.js …`), never by
// `./run start`: on SIGUSR2 it writes one line to stderr, `memory-probe <json>`, with process.memoryUsage()
// and the used size of each V8 heap space (bytes), so the bench can tell the JS heap from native memory.
// Plain JavaScript: a .ts preload would load Node's TypeScript stripper (~17 MiB) into the server it measures.
import { getHeapSpaceStatistics } from 'node:v8';

process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  process.stderr.write(`memory-probe ${JSON.stringify({ ...process.memoryUsage(), spaces })}\n`);
});
