// Upstash Redis through @upstash/redis (its REST protocol: works on Node and on Workers).
// No retries: a slow or failing Redis must cost a request one attempt, not five with backoff
// (resilient.ts turns failures into misses).
import { Redis } from "@upstash/redis";
import type { CacheStore } from "./store.js";

export interface UpstashOptions {
  url: string;
  token: string;
}

export class UpstashStore implements CacheStore {
  readonly kind = "upstash" as const;
  private readonly redis: Redis;

  constructor(options: UpstashOptions) {
    this.redis = new Redis({
      url: options.url,
      token: options.token,
      retry: { retries: 0 },
      // Values are our own JSON strings: keep them as strings, no automatic JSON parsing.
      automaticDeserialization: false,
      enableTelemetry: false,
    });
  }

  async get(key: string): Promise<string | null> {
    const value = await this.redis.get<string>(key);
    return value ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, { ex: ttlSeconds });
  }
}
