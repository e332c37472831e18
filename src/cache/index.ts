// Builds the cache the configuration names, wrapped so that it never fails a request.
import type { CacheConfig } from "../config.js";
import { GraphCache } from "./graph-cache.js";
import { MemoryStore } from "./memory.js";
import { ResilientStore } from "./resilient.js";
import type { CacheStore } from "./store.js";
import { UpstashStore } from "./upstash.js";

export { GraphCache } from "./graph-cache.js";
export { MemoryStore } from "./memory.js";
export { type BreakerState, ResilientStore, resilienceMetricsLines } from "./resilient.js";
export type { CacheStore } from "./store.js";
export { UpstashStore } from "./upstash.js";

export function createGraphCache(
  config: CacheConfig,
  log: (message: string, fields: Record<string, unknown>) => void,
  logIntervalMs = 30_000,
): GraphCache | null {
  if (config.kind === "off") return null;
  const store: CacheStore =
    config.kind === "upstash"
      ? new UpstashStore({ url: config.url, token: config.token })
      : new MemoryStore(config.maxBytes);
  return new GraphCache(
    new ResilientStore(store, {
      timeoutMs: config.timeoutMs,
      logIntervalMs,
      log,
      breakAfter: config.breakAfter,
      halfOpenAfterMs: config.halfOpenAfterMs,
      maxPendingSets: config.maxPendingSets,
    }),
    config.ttlSeconds,
    config.prefix,
  );
}
