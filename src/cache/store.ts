// The cache's one interface: strings in, strings out, with a time to live. Two implementations:
// Upstash Redis over its REST protocol (upstash.ts) and an in-memory LRU bounded by bytes
// (memory.ts). Values are serialized before they get here.
export interface CacheStore {
  readonly kind: "memory" | "upstash";
  /** `signal` aborted: give up, and cancel whatever I/O the call started (resilient.ts). */
  get(key: string, signal?: AbortSignal): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number, signal?: AbortSignal): Promise<void>;
}
