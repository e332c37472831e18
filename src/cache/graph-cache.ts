// The cache of resolved agent graphs. A key is the graph's normalized arguments plus the
// catalog generation read at the start of the request, so a read that starts after a write
// committed can only find graphs computed after it. Concurrent misses of one key compute once
// per instance (single flight). Values are stored serialized.
import { createHash } from "node:crypto";
import type { CacheStore } from "./store.js";

export interface GraphCacheMetrics {
  hits: number;
  misses: number;
  /** Requests that waited for another request's computation of the same key. */
  joined: number;
}

export class GraphCache {
  readonly metrics: GraphCacheMetrics = { hits: 0, misses: 0, joined: 0 };
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    readonly store: CacheStore,
    private readonly ttlSeconds: number,
    /** Separates catalogs that share one Redis (staging and production, test runs). */
    private readonly prefix = "agentry",
  ) {}

  /** The key of a graph: its arguments normalized (order-insensitive lists) and hashed. */
  async key(generation: string, args: Record<string, unknown>): Promise<string> {
    const normalized = JSON.stringify(
      Object.keys(args)
        .sort()
        .map((k) => {
          const v = args[k];
          return [k, Array.isArray(v) ? [...new Set(v.map(String))].sort() : (v ?? null)];
        }),
    );
    // node:crypto (Workers have it with nodejs_compat): synchronous, where WebCrypto's digest
    // is an asynchronous job that cost 0.2 ms per cached response under load.
    const hex = createHash("sha256").update(normalized).digest("hex");
    return `${this.prefix}:graph:v1:g${generation}:${hex}`;
  }

  /** The serialized value for the key: from the store, or computed once and stored. */
  async get(key: string, compute: () => Promise<string>): Promise<string> {
    const pending = this.inflight.get(key);
    if (pending) {
      this.metrics.joined++;
      return pending;
    }
    const work = (async () => {
      const cached = await this.store.get(key);
      if (cached !== null) {
        this.metrics.hits++;
        return cached;
      }
      this.metrics.misses++;
      const value = await compute();
      await this.store.set(key, value, this.ttlSeconds);
      return value;
    })();
    this.inflight.set(key, work);
    try {
      return await work;
    } finally {
      this.inflight.delete(key);
    }
  }
}
