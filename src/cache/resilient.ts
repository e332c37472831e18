// A cache that never fails a request: a store error or a store slower than the timeout counts
// as a miss (get) or is dropped (set). Failures are logged once per interval, not once per
// request, and the store is used again as soon as it answers.
import type { CacheStore } from "./store.js";

export interface ResilienceOptions {
  timeoutMs: number;
  logIntervalMs: number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export class ResilientStore implements CacheStore {
  readonly kind: CacheStore["kind"];
  errors = 0;
  private lastLog = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly store: CacheStore,
    private readonly options: ResilienceOptions,
  ) {
    this.kind = store.kind;
  }

  async get(key: string): Promise<string | null> {
    try {
      return await this.withTimeout(this.store.get(key));
    } catch (e) {
      this.failed("get", e);
      return null;
    }
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    try {
      await this.withTimeout(this.store.set(key, value, ttlSeconds));
    } catch (e) {
      this.failed("set", e);
    }
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`cache ${this.kind} did not answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private failed(op: string, e: unknown): void {
    this.errors++;
    const now = Date.now();
    if (now - this.lastLog < this.options.logIntervalMs) {
      this.suppressed++;
      return;
    }
    this.options.log("cache unavailable; answering from the database", {
      store: this.kind,
      op,
      error: (e as Error)?.message ?? String(e),
      suppressedSinceLastLog: this.suppressed,
    });
    this.lastLog = now;
    this.suppressed = 0;
  }
}
