// The default cache: in-process, least recently used first out, bounded by the bytes it holds.
import { LRUCache } from "lru-cache";
import type { CacheStore } from "./store.js";

export class MemoryStore implements CacheStore {
  readonly kind = "memory" as const;
  private readonly lru: LRUCache<string, string>;

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, string>({
      maxSize: maxBytes,
      // JavaScript strings are UTF-16: two bytes a code unit, plus the key.
      sizeCalculation: (value, key) => Math.max(1, (value.length + key.length) * 2),
      ttlAutopurge: false,
    });
  }

  async get(key: string): Promise<string | null> {
    return this.lru.get(key) ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.lru.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  /** Bytes held, as counted against the bound. */
  get size(): number {
    return this.lru.calculatedSize;
  }
}
