// Upstash Redis through @upstash/redis (its REST protocol: works on Node and on Workers, where
// Buffer comes with nodejs_compat and CompressionStream is built in).
// No retries: a slow or failing Redis must cost a request one attempt, not five with backoff
// (resilient.ts turns failures into misses).
//
// Every call can be cancelled: the client takes a `signal` option, and as a function it is
// asked for a signal once per HTTP request, synchronously, just before its fetch (1.39:
// HttpClient.request). Each call puts its own signal where that function finds it, then makes
// the call, then takes it back: so the fetch of a call that timed out is aborted and its socket
// closed (without it, a frozen Redis kept one socket open per timed-out call, about 31 more
// every second under load). Two consequences:
// - auto-pipelining is off: it sends the commands of one tick in one later request, after the
//   signal was taken back, and one abort would cancel the others' commands too;
// - the function form, not an AbortSignal object: with an object, an aborted fetch is turned
//   into a 200 answer whose result is the abort's reason, which `get` would return as a value.
import { Redis } from "@upstash/redis";
import type { CacheStore } from "./store.js";

export interface UpstashOptions {
  url: string;
  token: string;
}

export class UpstashStore implements CacheStore {
  readonly kind = "upstash" as const;
  private readonly redis: Redis;
  /**
   * A never-aborted signal, made per store rather than per module: workerd forbids creating an
   * AbortController outside a request ("Disallowed operation called within global scope"),
   * and the Worker did not start.
   */
  private readonly never = new AbortController().signal;
  /** The signal of the call being issued right now (see above); `never` otherwise. */
  private current: AbortSignal = this.never;

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
      enableAutoPipelining: false,
      signal: () => this.current,
    });
  }

  async get(key: string, signal?: AbortSignal): Promise<string | null> {
    const value = await this.issue(signal, () => this.redis.get<string>(key));
    if (value === null || value === undefined) return null;
    return value.startsWith(GZIP) ? gunzip(value.slice(GZIP.length)) : value;
  }

  async set(key: string, value: string, ttlSeconds: number, signal?: AbortSignal): Promise<void> {
    // Graphs are large and repetitive JSON: gzip shrinks them about tenfold, and every hit
    // carries the value over HTTP and through the REST protocol's JSON.
    const stored = value.length >= COMPRESS_FROM ? GZIP + (await gzip(value)) : value;
    signal?.throwIfAborted();
    await this.issue(signal, () => this.redis.set(key, stored, { ex: ttlSeconds }));
  }

  /** Starts one command with `signal` as its fetch's signal (read synchronously by the client). */
  private issue<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    this.current = signal ?? this.never;
    try {
      return call();
    } finally {
      this.current = this.never;
    }
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
