// How many GraphQL requests one process works on at once, and how many may wait. Without it a
// burst of 32 clients of an expensive query had all 32 in flight: each took 4.3 s instead of
// 0.35 s, /healthz waited 713 ms at p99 behind them, and the work of clients that had given up
// kept the process busy after the burst (npm run bench:abuse, docs/decisions/0014). Beyond the
// queue a request is refused at once (503, Retry-After), which a client or a load balancer
// can act on; a queued request whose client leaves or whose budget is spent leaves the queue
// without running. cockatiel's bulkhead does the counting.
//
// cockatiel is imported when the first request comes, not with this module: its module aborts
// an AbortController as it loads, which workerd forbids outside a request ("Disallowed
// operation called within global scope"); the bundler initializes a module imported with
// import() only when that import runs.
import type { BulkheadPolicy } from "cockatiel";

const cockatiel = () => import("cockatiel");

export interface AdmissionLimits {
  /** Requests worked on at once. */
  concurrent: number;
  /** Requests waiting for a slot; more are refused. */
  queued: number;
}

export class Admission {
  private policy: BulkheadPolicy | null = null;
  private rejected: (new (...args: never[]) => Error) | null = null;
  refused = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /** Runs `work` when a slot is free; a Response from `busy`/`gone` when it cannot. */
  async run(work: () => Promise<Response>, signal: AbortSignal): Promise<Response> {
    if (!this.policy) {
      const { bulkhead, BulkheadRejectedError } = await cockatiel();
      this.policy ??= bulkhead(this.limits.concurrent, this.limits.queued);
      this.rejected = BulkheadRejectedError;
    }
    const policy = this.policy;
    try {
      return await policy.execute(async () => {
        // Waited in the queue past the client's patience or the budget: do not start.
        if (signal.aborted) return gone();
        return work();
      }, signal);
    } catch (e) {
      if (this.rejected && e instanceof this.rejected) {
        this.refused++;
        return busy();
      }
      if (signal.aborted) return gone();
      throw e;
    }
  }

  get inFlight(): number {
    return this.policy ? this.limits.concurrent - this.policy.executionSlots : 0;
  }

  get waiting(): number {
    return this.policy ? this.limits.queued - this.policy.queueSlots : 0;
  }
}

function busy(): Response {
  return Response.json(
    {
      errors: [
        {
          message: "the server is at its limit of concurrent requests; retry after a second",
          extensions: { code: "SERVER_BUSY" },
        },
      ],
    },
    { status: 503, headers: { "retry-after": "1" } },
  );
}

function gone(): Response {
  return Response.json(
    {
      errors: [
        {
          message: "the request's time budget was spent waiting for the server (AGENTRY_REQUEST_TIMEOUT_MS)",
          extensions: { code: "REQUEST_TIMEOUT" },
        },
      ],
    },
    { status: 503, headers: { "retry-after": "1" } },
  );
}
