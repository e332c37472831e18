// The resilient store with stores of the test's making (no services): a call that times out is
// aborted (its signal reaches the store), a write never makes its caller wait and at most N are
// in flight, the breaker stops calling a failing store and probes it once after its delay
// without making other calls wait for the probe, and what /metrics prints of it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { GraphCache, MemoryStore, ResilientStore, resilienceMetricsLines } from "../../src/cache/index.js";
import { preloadResilience } from "../../src/cache/resilient.js";
import type { CacheStore } from "../../src/cache/store.js";
import { readCacheConfig, readDatabaseConfig } from "../../src/config.js";

// cockatiel is imported lazily (src/cache/resilient.ts); stores made after this call it at once.
await preloadResilience();

/** A remote-like store whose calls the test settles by hand; records each call and its signal. */
class ScriptedStore implements CacheStore {
  readonly kind = "upstash" as const;
  calls: { op: "get" | "set"; key: string; signal?: AbortSignal }[] = [];
  /** How a new call behaves: hang (until aborted), fail at once, or answer. */
  mode: "hang" | "fail" | "answer" = "answer";
  values = new Map<string, string>();
  private hung: (() => void)[] = [];

  private run<T>(
    op: "get" | "set",
    key: string,
    signal: AbortSignal | undefined,
    answer: () => T,
  ): Promise<T> {
    this.calls.push({ op, key, signal });
    if (this.mode === "fail") return Promise.reject(new Error("ECONNREFUSED"));
    if (this.mode === "answer") return Promise.resolve(answer());
    return new Promise<T>((resolve, reject) => {
      signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      this.hung.push(() => resolve(answer()));
    });
  }
  get(key: string, signal?: AbortSignal) {
    return this.run("get", key, signal, () => this.values.get(key) ?? null);
  }
  set(key: string, value: string, _ttl: number, signal?: AbortSignal) {
    return this.run("set", key, signal, () => {
      this.values.set(key, value);
    });
  }
  /** Answers every hung call that was not aborted. */
  release() {
    for (const r of this.hung.splice(0)) r();
  }
}

const logs: { message: string; fields: Record<string, unknown> }[] = [];
const resilient = (
  store: CacheStore,
  options: Partial<ConstructorParameters<typeof ResilientStore>[1]> = {},
) =>
  new ResilientStore(store, {
    timeoutMs: 50,
    logIntervalMs: 60_000,
    log: (message, fields) => logs.push({ message, fields }),
    breakAfter: 3,
    halfOpenAfterMs: 200,
    maxPendingSets: 4,
    ...options,
  });

afterEach(() => {
  logs.length = 0;
  vi.useRealTimers();
});

describe("ResilientStore", () => {
  it("aborts a call that times out, and answers it as a miss", async () => {
    const store = new ScriptedStore();
    store.mode = "hang";
    const r = resilient(store);
    expect(await r.get("k")).toBeNull();
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]!.signal?.aborted).toBe(true);
    expect(r.errors).toBe(1);
    expect(r.timeouts).toBe(1);
    expect(logs.filter((l) => l.message.startsWith("cache unavailable"))).toHaveLength(1);
    expect(String(logs[0]!.fields.error)).toContain("did not answer within 50 ms");
  });

  it("returns from set before the store has taken the value, and answers it meanwhile", async () => {
    const store = new ScriptedStore();
    store.mode = "hang";
    const r = resilient(store, { timeoutMs: 5_000 });
    const order: string[] = [];
    await r.set("k", "v", 60);
    order.push("set returned");
    expect(r.pendingSets).toBe(1);
    // A read of the key while its write is out is answered from the pending value.
    expect(await r.get("k")).toBe("v");
    expect(store.calls.filter((c) => c.op === "get")).toHaveLength(0);
    const settled = r.settled().then(() => order.push("write settled"));
    store.release();
    await settled;
    expect(order).toEqual(["set returned", "write settled"]);
    expect(r.pendingSets).toBe(0);
    expect(store.values.get("k")).toBe("v");
  });

  it("keeps at most maxPendingSets writes in flight and drops the rest", async () => {
    const store = new ScriptedStore();
    store.mode = "hang";
    const r = resilient(store, { timeoutMs: 5_000, breakAfter: 100 });
    for (let i = 0; i < 10; i++) await r.set(`k${i}`, "v", 60);
    expect(store.calls.filter((c) => c.op === "set")).toHaveLength(4);
    expect(r.pendingSets).toBe(4);
    expect(r.setsDropped).toBe(6);
    store.release();
    await r.settled();
    expect(r.pendingSets).toBe(0);
    // Room again: the next write goes out.
    store.mode = "answer";
    await r.set("later", "v", 60);
    await r.settled();
    expect(store.values.get("later")).toBe("v");
  });

  it("opens after breakAfter failures, stops calling the store, then probes it once and closes", async () => {
    const store = new ScriptedStore();
    store.mode = "fail";
    const r = resilient(store);
    for (let i = 0; i < 3; i++) expect(await r.get(`k${i}`)).toBeNull();
    expect(r.state).toBe("open");
    expect(r.opened).toBe(1);
    const before = store.calls.length;
    for (let i = 0; i < 20; i++) {
      expect(await r.get(`x${i}`)).toBeNull();
      await r.set(`x${i}`, "v", 60);
    }
    expect(store.calls.length).toBe(before);
    expect(r.shortCircuited).toBe(40);
    expect(r.errors).toBe(3);
    expect(logs.filter((l) => l.message.startsWith("cache circuit open"))).toHaveLength(1);

    // After the delay one call reaches the store; it answers, so the breaker closes.
    await new Promise((resolve) => setTimeout(resolve, 250));
    store.mode = "answer";
    store.values.set("probe", "yes");
    expect(await r.get("probe")).toBe("yes");
    expect(store.calls.length).toBe(before + 1);
    expect(r.state).toBe("closed");
    expect(logs.filter((l) => l.message.startsWith("cache circuit closed"))).toHaveLength(1);
  });

  it("opens again when the probe fails, and logs the outage once", async () => {
    const store = new ScriptedStore();
    store.mode = "fail";
    const r = resilient(store);
    for (let i = 0; i < 3; i++) await r.get("k");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await r.get("k")).toBeNull();
    expect(store.calls).toHaveLength(4);
    expect(r.state).toBe("open");
    expect(r.opened).toBe(2);
    expect(logs.filter((l) => l.message.startsWith("cache circuit open"))).toHaveLength(1);
  });

  it("does not make calls wait for the probe: they are short-circuited while it is out", async () => {
    const store = new ScriptedStore();
    store.mode = "fail";
    const r = resilient(store, { timeoutMs: 1_000 });
    for (let i = 0; i < 3; i++) await r.get("k");
    await new Promise((resolve) => setTimeout(resolve, 250));
    store.mode = "hang";
    const probe = r.get("probe");
    expect(r.state).toBe("half-open");
    const order: string[] = [];
    const others = Promise.all(
      Array.from({ length: 5 }, (_, i) => r.get(`other${i}`).then(() => order.push(`other${i}`))),
    );
    const probed = probe.then(() => order.push("probe"));
    await others;
    expect(order).toHaveLength(5); // all five answered while the probe is still out
    store.release();
    await probed;
    expect(store.calls.filter((c) => c.key.startsWith("other"))).toHaveLength(0);
    expect(r.state).toBe("closed");
  });

  it("calls the in-memory store directly (nothing can hang there)", async () => {
    const r = resilient(new MemoryStore(1024 * 1024));
    await r.set("k", "v", 60);
    expect(await r.get("k")).toBe("v");
    expect(r.state).toBe("closed");
    expect(r.pendingSets).toBe(0);
  });

  it("serves a graph computed while the store hangs, and caches it once the store is back", async () => {
    const store = new ScriptedStore();
    store.mode = "hang";
    const r = resilient(store, { timeoutMs: 50 });
    const cache = new GraphCache(r, 60, "t");
    const key = "t:graph:a";
    let computed = 0;
    const answer = await cache.get(key, async () => `value${++computed}`);
    expect(answer).toBe("value1");
    // The request had its answer while its write was still out (or already timed out): the
    // write settles only now, at the timeout.
    await r.settled();
    expect(store.calls.map((c) => c.op)).toEqual(["get", "set"]);
    expect(store.calls.every((c) => c.signal?.aborted)).toBe(true);
    store.mode = "answer";
    expect(await cache.get(key, async () => `value${++computed}`)).toBe("value2");
    await r.settled();
    expect(await cache.get(key, async () => `value${++computed}`)).toBe("value2");
    expect(cache.metrics.hits).toBe(1);
  });

  it("prints its breaker for /metrics", async () => {
    const store = new ScriptedStore();
    store.mode = "fail";
    const r = resilient(store);
    for (let i = 0; i < 4; i++) await r.get("k");
    const text = resilienceMetricsLines(r).join("\n");
    expect(text).toContain('agentry_cache_circuit_state{store="upstash"} 1');
    expect(text).toContain('agentry_cache_circuit_opened_total{store="upstash"} 1');
    expect(text).toContain('agentry_cache_short_circuited_total{store="upstash"} 1');
    expect(text).toContain('agentry_cache_sets_pending{store="upstash"} 0');
    expect(text).toContain("# TYPE agentry_cache_circuit_state gauge");
  });
});

describe("configuration of the bounded waits", () => {
  it("reads the cache's breaker and write bounds, with defaults", () => {
    const d = readCacheConfig({});
    expect([d.breakAfter, d.halfOpenAfterMs, d.maxPendingSets, d.timeoutMs]).toEqual([5, 5000, 32, 250]);
    const c = readCacheConfig({
      AGENTRY_CACHE_BREAK_AFTER: "2",
      AGENTRY_CACHE_HALF_OPEN_MS: "100",
      AGENTRY_CACHE_MAX_PENDING_SETS: "7",
    });
    expect([c.breakAfter, c.halfOpenAfterMs, c.maxPendingSets]).toEqual([2, 100, 7]);
    expect(() => readCacheConfig({ AGENTRY_CACHE_MAX_PENDING_SETS: "0" })).toThrow(
      /AGENTRY_CACHE_MAX_PENDING_SETS/,
    );
  });

  it("reads the database's timeouts, with defaults", () => {
    expect(readDatabaseConfig({ DATABASE_URL: "postgres://x/y" }).timeouts).toEqual({
      statementMs: 5000,
      batchStatementMs: 600_000,
      connectMs: 5000,
      idleInTransactionMs: 60_000,
    });
    const t = readDatabaseConfig({
      DATABASE_URL: "postgres://x/y",
      AGENTRY_STATEMENT_TIMEOUT_MS: "1500",
      AGENTRY_BATCH_STATEMENT_TIMEOUT_MS: "0",
      AGENTRY_CONNECT_TIMEOUT_MS: "800",
      AGENTRY_IDLE_IN_TRANSACTION_TIMEOUT_MS: "9000",
    }).timeouts;
    expect(t).toEqual({ statementMs: 1500, batchStatementMs: 0, connectMs: 800, idleInTransactionMs: 9000 });
    expect(() => readDatabaseConfig({ AGENTRY_CONNECT_TIMEOUT_MS: "soon" })).toThrow(
      /AGENTRY_CONNECT_TIMEOUT_MS/,
    );
  });
});
