// How many GraphQL requests one process works on at once, and how many may wait. Without it a
// burst of 32 clients of an expensive query had all 32 in flight: each took 4.3 s instead of
// 0.35 s, /healthz waited 713 ms at p99 behind them, and the work of clients that had given up
// kept the process busy after the burst (npm run bench:abuse). Beyond the queue a request is
// refused at once (503, Retry-After), which a client or a load balancer can act on.
//
// A waiting request whose client leaves or whose budget is spent leaves the queue at once. Not
// cockatiel's bulkhead: it keeps an aborted waiter in its queue until a slot frees, so under a
// burst of 1-second searches the queue filled with requests whose clients had gone and new
// ones were refused (90 of 134 answers were 503s that took 2 ms).

export interface AdmissionLimits {
  /** Requests worked on at once. */
  concurrent: number;
  /** Requests waiting for a slot; more are refused. */
  queued: number;
  /**
   * Longest wait for a slot, then a refusal (SERVER_BUSY): under a burst of 1 s searches the
   * queue's clients otherwise waited until their own 10 s timeouts (79 of 96), learning
   * nothing they could act on.
   */
  maxWaitMs: number;
}

interface Waiter {
  start(): void;
}

export class Admission {
  refused = 0;
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `work` when a slot is free; a 503 when the queue is full or the signal aborts first. */
  async run(work: () => Promise<Response>, signal: AbortSignal): Promise<Response> {
    if (signal.aborted) return gone();
    if (this.active >= this.limits.concurrent) {
      if (this.queue.length >= this.limits.queued) {
        this.refused++;
        return busy();
      }
      const admitted = await this.wait(signal);
      if (admitted === "gone") return gone();
      if (admitted === "waited") {
        this.refused++;
        return busy();
      }
    } else this.active++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /**
   * "admitted" with a slot taken for the caller; "gone" if the signal aborted first; "waited"
   * if no slot freed within `maxWaitMs`. A waiter that leaves leaves the queue at once.
   */
  private wait(signal: AbortSignal): Promise<"admitted" | "gone" | "waited"> {
    return new Promise((resolve) => {
      const leave = (why: "gone" | "waited") => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        const at = this.queue.indexOf(waiter);
        if (at !== -1) this.queue.splice(at, 1);
        resolve(why);
      };
      const onAbort = () => leave("gone");
      const timer = setTimeout(() => leave("waited"), this.limits.maxWaitMs);
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve("admitted");
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.active--;
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
          message:
            "the request's time budget was spent waiting for the server (AGENTRY_REQUEST_TIMEOUT_MS), or its client left",
          extensions: { code: "REQUEST_TIMEOUT" },
        },
      ],
    },
    { status: 503, headers: { "retry-after": "1" } },
  );
}
