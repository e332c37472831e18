// The cache's one interface: strings in, strings out, with a time to live. Two implementations:
// Upstash Redis over its REST protocol (upstash.ts) and an in-memory LRU bounded by bytes
// (memory.ts). Values are serialized before they get here.
export interface CacheStore {
  readonly kind: "memory" | "upstash";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}
