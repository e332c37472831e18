// A cache that never fails a request and never makes one wait long for a dead cache:
// - a store error, or a store slower than the timeout, counts as a miss (get) or is dropped
//   (set); a call that times out is aborted (its signal reaches the store's fetch, so its
//   socket is closed, not left waiting for a frozen Redis);
// - `set` returns as soon as the write is started: the request that computed a value does not
//   wait for the store to take it. At most `maxPendingSets` writes are in flight; beyond that
//   a write is dropped (counted). Until its write settles, a value is answered from here;
// - a circuit breaker (cockatiel) stops calling a store that failed `breakAfter` times in a
//   row: calls are then answered at once (a miss, a dropped write) without touching it, and
//   after `halfOpenAfterMs` one call probes it; if it answers, the store is used again. While
//   the probe is out, other calls do not wait for it: they are short-circuited too.
// Failures are logged once per interval, not once per request; the breaker's opening and
// closing once each per outage.
// The in-memory store is called directly: it is in the process and cannot hang.
//
// cockatiel is imported when the first store is wrapped, not with this module: its module
// aborts an AbortController as it loads, which workerd forbids outside a request ("Disallowed
// operation called within global scope": the Worker did not start); a bundled module imported
// with import() is initialized only when that import runs.
import type { circuitBreaker } from "cockatiel";
import type { CacheStore } from "./store.js";

type Cockatiel = typeof import("cockatiel");
let cockatiel: Cockatiel | null = null;
const loadCockatiel = () =>
  import("cockatiel").then((m) => {
    cockatiel = m;
    return m;
  });

/**
 * Loads cockatiel ahead of the first store (the entries call it while they start): a store
 * made after it calls its store synchronously from its first call, as the tests expect; one
 * made before waits for the import on its first calls.
 */
export async function preloadResilience(): Promise<void> {
  await loadCockatiel();
}

export interface ResilienceOptions {
  timeoutMs: number;
  logIntervalMs: number;
  log: (message: string, fields: Record<string, unknown>) => void;
  /** Consecutive failures (errors or timeouts) that open the breaker. Default 5. */
  breakAfter?: number;
  /** How long the breaker stays open before one call probes the store. Default 5,000 ms. */
  halfOpenAfterMs?: number;
  /** Writes in flight at most; more are dropped. Default 32. */
  maxPendingSets?: number;
}

export type BreakerState = "closed" | "open" | "half-open";

export const DEFAULT_BREAK_AFTER = 5;
export const DEFAULT_HALF_OPEN_AFTER_MS = 5_000;
export const DEFAULT_MAX_PENDING_SETS = 32;

export class ResilientStore implements CacheStore {
  readonly kind: CacheStore["kind"];
  /** Store calls that failed or timed out (answered as a miss, or a write dropped). */
  errors = 0;
  /** Of those, the calls that timed out (and were aborted). */
  timeouts = 0;
  /** Calls answered without calling the store, because the breaker was open. */
  shortCircuited = 0;
  /** Writes dropped because `maxPendingSets` were already in flight. */
  setsDropped = 0;
  /** Times the breaker opened (a failed probe that opens it again counts too). */
  opened = 0;
  private lastLog = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private policy: {
    execute<T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T>;
  } | null = null;
  private breaker: ReturnType<typeof circuitBreaker> | null = null;
  /** Null for the in-memory store (no breaker); otherwise settles once the breaker is built. */
  private readonly ready: Promise<void> | null;
  /** Values whose write is in flight, by key: answered by `get` until the write settles. */
  private readonly pending = new Map<string, string>();
  private writes = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxPendingSets: number;

  constructor(
    private readonly store: CacheStore,
    private readonly options: ResilienceOptions,
  ) {
    this.kind = store.kind;
    this.maxPendingSets = options.maxPendingSets ?? DEFAULT_MAX_PENDING_SETS;
    if (store.kind === "memory") {
      this.ready = null;
      return;
    }
    if (cockatiel) {
      this.build(cockatiel);
      this.ready = Promise.resolve();
    } else this.ready = loadCockatiel().then((m) => this.build(m));
  }

  private build(m: Cockatiel): void {
    const { options } = this;
    const { circuitBreaker, handleAll, ConsecutiveBreaker, wrap, timeout, TimeoutStrategy } = m;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS,
      breaker: new ConsecutiveBreaker(options.breakAfter ?? DEFAULT_BREAK_AFTER),
    });
    // Outermost the breaker, so that a timeout counts as one of its failures.
    this.policy = wrap(this.breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
    let wasOpen = false;
    this.breaker.onBreak(() => {
      this.opened++;
      if (wasOpen) return;
      wasOpen = true;
      this.options.log("cache circuit open: not calling the store; answering from the database", {
        store: this.kind,
        probeAfterMs: options.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS,
        error: describe(this.breaker?.lastFailure),
      });
    });
    this.breaker.onReset(() => {
      wasOpen = false;
      this.options.log("cache circuit closed: the store answers again", { store: this.kind });
    });
  }

  /** The breaker's state; an in-memory store has none and is always "closed". */
  get state(): BreakerState {
    const states = cockatiel?.CircuitState;
    switch (this.breaker?.state) {
      case undefined:
        return "closed";
      case states?.Open:
      case states?.Isolated:
        return "open";
      case states?.HalfOpen:
        return "half-open";
      default:
        return "closed";
    }
  }

  /** Writes in flight now. */
  get pendingSets(): number {
    return this.writes;
  }

  async get(key: string): Promise<string | null> {
    const pending = this.pending.get(key);
    if (pending !== undefined) return pending;
    try {
      return await this.call((signal) => this.store.get(key, signal));
    } catch (e) {
      if (this.shortCircuit(e)) return null;
      this.failed("get", e);
      return null;
    }
  }

  /** Starts the write and returns: the caller never waits for the store. */
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.ready === null) {
      try {
        await this.store.set(key, value, ttlSeconds);
      } catch (e) {
        this.failed("set", e);
      }
      return;
    }
    if (this.state !== "closed") {
      this.shortCircuited++;
      return;
    }
    if (this.writes >= this.maxPendingSets) {
      this.setsDropped++;
      return;
    }
    this.writes++;
    this.pending.set(key, value);
    const write: Promise<void> = this.call((signal) => this.store.set(key, value, ttlSeconds, signal))
      .catch((e: unknown) => {
        if (!this.shortCircuit(e)) this.failed("set", e);
      })
      .finally(() => {
        this.writes--;
        if (this.pending.get(key) === value) this.pending.delete(key);
        this.inFlight.delete(write);
      });
    this.inFlight.add(write);
  }

  /**
   * Settles when every write started so far has (each within the timeout). For a runtime that
   * ends a request's work with its response (a Worker's `waitUntil`), and for tests.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private call<T>(fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (this.ready === null) return fn(undefined);
    if (this.policy === null) return this.ready.then(() => this.call(fn));
    const m = cockatiel!;
    // A probe is out: do not queue behind it (cockatiel would make every call wait for it).
    if (this.breaker?.state === m.CircuitState.HalfOpen) return Promise.reject(new m.BrokenCircuitError());
    return this.policy.execute(({ signal }) =>
      // A store call that fails because the timeout aborted it is a timeout, whichever of the
      // two rejections cockatiel's race sees first.
      fn(signal).catch((e: unknown) => {
        throw signal.aborted ? new m.TaskCancelledError(`timed out after ${this.options.timeoutMs} ms`) : e;
      }),
    );
  }

  private shortCircuit(e: unknown): boolean {
    if (!cockatiel || !(e instanceof cockatiel.BrokenCircuitError)) return false;
    this.shortCircuited++;
    return true;
  }

  private failed(op: string, e: unknown): void {
    this.errors++;
    const timedOut = cockatiel !== null && e instanceof cockatiel.TaskCancelledError;
    if (timedOut) this.timeouts++;
    const now = Date.now();
    if (now - this.lastLog < this.options.logIntervalMs) {
      this.suppressed++;
      return;
    }
    this.options.log("cache unavailable; answering from the database", {
      store: this.kind,
      op,
      error: timedOut
        ? `cache ${this.kind} did not answer within ${this.options.timeoutMs} ms (aborted)`
        : describe({ error: e }),
      suppressedSinceLastLog: this.suppressed,
    });
    this.lastLog = now;
    this.suppressed = 0;
  }
}

function describe(failure: { error: unknown } | { value: unknown } | undefined): string | undefined {
  if (!failure || !("error" in failure)) return undefined;
  const e = failure.error as Error & { cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(e)}${cause ? ` (${cause})` : ""}`;
}

/**
 * The breaker's lines of GET /metrics (Prometheus text), for a store wrapped in a
 * ResilientStore: its state (0 closed, 1 open, 2 half-open), how often it opened, the calls it
 * spared the store, the writes in flight and those dropped, and the timeouts among the errors.
 */
export function resilienceMetricsLines(store: ResilientStore): string[] {
  const s = `store="${store.kind}"`;
  const state = { closed: 0, open: 1, "half-open": 2 }[store.state];
  return [
    "# HELP agentry_cache_circuit_state The cache's circuit breaker: 0 closed (calling the store), 1 open (not calling it), 2 half-open (one probe out).",
    "# TYPE agentry_cache_circuit_state gauge",
    `agentry_cache_circuit_state{${s}} ${state}`,
    "# HELP agentry_cache_circuit_opened_total Times the cache's circuit breaker opened.",
    "# TYPE agentry_cache_circuit_opened_total counter",
    `agentry_cache_circuit_opened_total{${s}} ${store.opened}`,
    "# HELP agentry_cache_short_circuited_total Cache calls answered without calling the store (breaker open).",
    "# TYPE agentry_cache_short_circuited_total counter",
    `agentry_cache_short_circuited_total{${s}} ${store.shortCircuited}`,
    "# HELP agentry_cache_timeouts_total Cache calls aborted at the timeout (also counted in agentry_cache_errors_total).",
    "# TYPE agentry_cache_timeouts_total counter",
    `agentry_cache_timeouts_total{${s}} ${store.timeouts}`,
    "# HELP agentry_cache_sets_pending Cache writes in flight (requests do not wait for them).",
    "# TYPE agentry_cache_sets_pending gauge",
    `agentry_cache_sets_pending{${s}} ${store.pendingSets}`,
    "# HELP agentry_cache_sets_dropped_total Cache writes dropped because too many were in flight.",
    "# TYPE agentry_cache_sets_dropped_total counter",
    `agentry_cache_sets_dropped_total{${s}} ${store.setsDropped}`,
  ];
}
