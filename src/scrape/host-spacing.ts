// Politeness within one run: at most `concurrency` sources in flight, and work for the same host
// serialised with a minimum gap, so ten sources on one vendor's site don't arrive as a burst.
import { setTimeout as sleep } from 'node:timers/promises';

export class RequestPacer {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly concurrency: number,
    private readonly spacingMs: number,
  ) {}

  async run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const key = host.toLowerCase();
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await previous;
      const wait = (this.nextAt.get(key) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
      await this.acquire(signal);
      try {
        return await task();
      } finally {
        this.nextAt.set(key, Date.now() + this.spacingMs);
        this.release();
      }
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < Math.max(1, this.concurrency)) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** The host a source is paced by; unparseable URLs get their own lane and fail later with INVALID_URL. */
export function hostKey(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return `invalid:${url}`;
  }
}
