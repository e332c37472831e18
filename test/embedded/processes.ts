// `agentry` as a user runs it, in child processes: a server that can be stopped and started
// again on one data folder, and one-shot commands with their exit code and output.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

export const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function agentry(env: Record<string, string>, ...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export interface RunningServer {
  url: string;
  pid: number;
  output(): string;
  query<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  const exit = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no start within 60 s: ${chunks.join("")}`)), 60_000);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.toString());
      const m = /"url":"([^"]+)"/.exec(chunks.join(""));
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    void exit.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}) before serving: ${chunks.join("")}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    output: () => chunks.join(""),
    async query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await r.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data as T;
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exit;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exit;
    },
  };
}
