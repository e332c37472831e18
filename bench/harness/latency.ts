// Latency, one request at a time over a kept-alive connection: the time from sending a request
// to having read its whole response, for every request of a run, so that p50, p95 and p99 are
// exact order statistics (autocannon reports p97.5 and p99 but no p95). Also checks each
// response (HTTP 200, no GraphQL `errors`) and measures its size.
import { Agent, request } from "node:http";

export interface LatencySample {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** Mean response body size in bytes. */
  bytes: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export function send(
  url: string,
  spec: { path: string; body: string },
): Promise<{ status: number; body: string }> {
  const target = new URL(spec.path, url);
  return new Promise((done, fail) => {
    const req = request(
      target,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(spec.body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", fail);
      },
    );
    req.on("error", fail);
    req.end(spec.body);
  });
}

/** Sends `count` requests in sequence (after `warmup` unmeasured ones); throws on a bad answer. */
export async function sampleLatency(
  url: string,
  next: (i: number) => { path: string; body: string },
  options: { count: number; warmup: number; seconds: number },
): Promise<LatencySample> {
  for (let i = 0; i < options.warmup; i++) check(await send(url, next(i)));
  const times: number[] = [];
  let bytes = 0;
  const deadline = performance.now() + options.seconds * 1000;
  for (let i = 0; i < options.count && (i < 20 || performance.now() < deadline); i++) {
    const spec = next(options.warmup + i);
    const t0 = performance.now();
    const response = await send(url, spec);
    times.push(performance.now() - t0);
    check(response);
    bytes += Buffer.byteLength(response.body);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { count: times.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), bytes: bytes / times.length };
}

export function check(response: { status: number; body: string }): void {
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  const parsed = JSON.parse(response.body) as { errors?: unknown; data?: unknown };
  if (parsed.errors) throw new Error(`GraphQL errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
  if (parsed.data === undefined || parsed.data === null)
    throw new Error(`no data: ${response.body.slice(0, 300)}`);
}
