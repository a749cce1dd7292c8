// The log destination of `createLogger` without a stream: lines are gathered here and handed to sonic-boom
// (pino's asynchronous fd writer: partial writes, EAGAIN on a full pipe, flushSync) in chunks of at least
// LOG_BATCH_BYTES, or after LOG_FLUSH_MS. sonic-boom's own batching (minLength) measures its growing buffer
// with Buffer.byteLength on every line, which flattens the concatenated string each time: ~3 % of a busy
// server's CPU. Here a line costs an array push.
import type { DestinationStream } from 'pino';
import { pino } from 'pino';

/** Lines are written in chunks of at least this many characters (or when LOG_FLUSH_MS has passed). */
export const LOG_BATCH_BYTES = 8 * 1024;
/** The longest a line waits when traffic is low. */
export const LOG_FLUSH_MS = 100;

type SonicBoom = ReturnType<typeof pino.destination>;

export class BatchedDestination implements DestinationStream {
  #lines: string[] = [];
  #length = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Bytes handed to sonic-boom and not yet written (its 'write' events count them down). */
  #pending = 0;
  #waiting: ((err?: Error) => void)[] = [];
  readonly #out: SonicBoom;

  constructor(fd: number) {
    // minLength 0: sonic-boom writes what it is given at once, and keeps writing while more arrives.
    this.#out = pino.destination({ dest: fd, sync: false });
    this.#out.on('write', (n: number) => {
      this.#pending = Math.max(0, this.#pending - n);
      if (this.#pending === 0) this.#settle();
    });
    this.#out.on('error', (err: Error) => {
      this.#pending = 0;
      this.#settle(err);
    });
  }

  write(line: string): void {
    this.#lines.push(line);
    this.#length += line.length;
    if (this.#length >= LOG_BATCH_BYTES) this.#handOver();
    else this.#timer ??= setTimeout(() => this.#handOver(), LOG_FLUSH_MS);
  }

  /** pino's `logger.flush(cb)`: everything written so far has reached the fd when `cb` runs. */
  flush(cb: (err?: Error) => void): void {
    this.#handOver();
    if (this.#pending === 0) process.nextTick(cb);
    else this.#waiting.push(cb);
  }

  /** Writes everything now, synchronously (a process about to exit). */
  flushSync(): void {
    this.#handOver();
    this.#out.flushSync(); // writes what it holds (not an asynchronous write already under way)
    this.#pending = 0;
    this.#settle();
  }

  #handOver(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const chunk = this.#lines.join('');
    this.#lines = [];
    this.#length = 0;
    this.#pending += Buffer.byteLength(chunk);
    this.#out.write(chunk);
  }

  #settle(err?: Error): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const cb of waiting) cb(err);
  }
}
