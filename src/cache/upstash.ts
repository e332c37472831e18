// Upstash Redis through @upstash/redis (its REST protocol: works on Node and on Workers, where
// Buffer comes with nodejs_compat and CompressionStream is built in).
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
      // JSON.stringify output is always well-formed UTF-8, so the base64 wrapping the client
      // asks for by default (to carry arbitrary bytes) only costs time: a cached graph is
      // ~100 KB, encoded by the server and decoded here on every hit.
      responseEncoding: false,
      enableTelemetry: false,
    });
  }

  async get(key: string): Promise<string | null> {
    const value = await this.redis.get<string>(key);
    if (value === null || value === undefined) return null;
    return value.startsWith(GZIP) ? gunzip(value.slice(GZIP.length)) : value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    // Graphs are large and repetitive JSON: gzip shrinks them about tenfold, and every hit
    // carries the value over HTTP and through the REST protocol's JSON.
    const stored = value.length >= COMPRESS_FROM ? GZIP + (await gzip(value)) : value;
    await this.redis.set(key, stored, { ex: ttlSeconds });
  }
}

const GZIP = "gz1:";
const COMPRESS_FROM = 1024;

async function gzip(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return Buffer.from(await new Response(stream).arrayBuffer()).toString("base64");
}

async function gunzip(base64: string): Promise<string> {
  const stream = new Blob([Buffer.from(base64, "base64")])
    .stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}
