// The load generator, run as its own process so that it does not share an event loop with the
// server or the harness: autocannon with a fixed number of connections for a fixed time,
// cycling through the scenario's requests. Forked once per benchmark run: it takes jobs as IPC
// messages and answers each with its figures.
import autocannon from "autocannon";

interface Job {
  url: string;
  /** One run per entry, in order, e.g. [1, 32]. */
  connections: number[];
  seconds: number;
  requests: { path: string; body: string }[];
}

async function run(job: Job) {
  const figures = [];
  for (const connections of job.connections) {
    const result = await autocannon({
      url: job.url,
      connections,
      duration: job.seconds,
      // One request at a time per connection, as a browser or a gateway sends them.
      pipelining: 1,
      requests: job.requests.map((r) => ({
        method: "POST",
        path: r.path,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: r.body,
      })),
    });
    figures.push({
      connections,
      requests: result.requests.total,
      rps: result.requests.total / job.seconds,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    });
  }
  return figures;
}

process.on("message", (job: Job) => {
  run(job).then(
    (figures) => process.send!({ figures }),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
