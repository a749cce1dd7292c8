// At most `size` argon2 computations at a time; the rest wait their turn in arrival order. Each argon2id
// computation holds its whole memory cost (7 MiB, passwords.ts) until it ends, and the work is CPU-bound,
// so running more at once than there are cores adds memory without adding throughput: with libuv's 4
// threads, a burst of sign-ins or log-ins held 4 × 19 MiB (76 MiB, the earlier parameters) of the server's peak RSS (bench/memory.ts).

export interface Slots {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function slots(size: number): Slots {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (busy >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      else busy++;
      try {
        return await task();
      } finally {
        // The slot passes straight to the next waiter (busy stays the same), or is freed.
        const next = waiting.shift();
        if (next) next();
        else busy--;
      }
    },
  };
}
