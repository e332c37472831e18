// Server processes for the benchmark: each server under test runs in its own Node process
// (`node --import tsx <file>`), started with its environment, ready when it prints
// `listening <port>`, and stopped with SIGTERM. Peak memory is the process's own high-water
// mark of resident memory (VmHWM in /proc), which the harness resets before each scenario.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Peak resident memory since the last reset, in bytes (null where /proc does not tell). */
  peakMemory(): number | null;
  resetPeak(): void;
  stop(): Promise<void>;
}

export async function startServer(
  name: string,
  file: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(ROOT, file)], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const port = await new Promise<number>((done, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code}) before listening: ${stderr}`));
    });
  });
  const status = `/proc/${child.pid}/status`;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    peakMemory() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, "utf8"));
        return m ? Number(m[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
    resetPeak() {
      try {
        // 5: reset the peak resident set size to the current one (Linux 4.0+).
        writeFileSync(`/proc/${child.pid}/clear_refs`, "5");
      } catch {
        // Not Linux, or not allowed: the peak then covers the process's whole life.
      }
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          done();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** Runs the load generator in its own process and returns what it printed. */
export interface LoadFigures {
  connections: number;
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Per-request latency in ms (autocannon's). */
  latency?: { p50: number; p99: number; max: number };
}

/** The load generator's process (bench/harness/load-worker.ts), forked once and given jobs. */
export class LoadGenerator {
  private readonly child: ChildProcess = fork(resolve(ROOT, "bench/harness/load-worker.ts"), [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });

  /** One autocannon run per connection count, in order. */
  run(job: {
    url: string;
    connections: number[];
    seconds: number;
    requests: { path: string; body: string }[];
  }): Promise<LoadFigures[]> {
    return new Promise((done, fail) => {
      const onExit = (code: number | null) => fail(new Error(`the load generator exited (${code})`));
      this.child.once("exit", onExit);
      this.child.once("message", (m: { figures?: LoadFigures[]; error?: string }) => {
        this.child.off("exit", onExit);
        if (m.figures) done(m.figures);
        else fail(new Error(`the load generator failed: ${m.error}`));
      });
      this.child.send(job);
    });
  }

  stop(): void {
    this.child.kill();
  }
}
