// A local stand-in for Upstash's Redis REST API, as @upstash/redis 1.39 uses it (see
// node_modules/@upstash/redis/chunk-*.mjs, HttpClient and Pipeline), answering from a real Redis
// through node-redis:
// - POST `/` with a JSON array command (`["SET", "k", "v"]`; numbers may come unquoted),
//   POST `/pipeline` and `/multi-exec` with an array of such commands.
// - `Authorization: Bearer <token>`; 401 otherwise.
// - 200 `{result}` (or an array of `{result}` / `{error}` for pipeline and multi-exec);
//   400 `{error}` when Redis rejects a command. Any non-2xx status makes the client throw
//   `UpstashError("<error>, command was: ...")`.
// - `Upstash-Encoding: base64` (sent by default): every string in a result, at any depth, is
//   base64 of its bytes, except a plain "OK" which the client leaves as is.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, ErrorReply, MultiErrorReply, RESP_TYPES } from "redis";

export interface UpstashRestOptions {
  redisUrl?: string;
  token?: string;
}

export interface UpstashRest {
  port: number;
  url: string;
  token: string;
  close(): Promise<void>;
  /** Number of HTTP requests handled so far. */
  readonly requests: number;
  /** TCP connections from clients: accepted so far, and open now. */
  readonly connections: { readonly accepted: number; readonly open: number };
  /** Requests whose client went away (closed the connection) before the answer was sent. */
  readonly abandoned: number;
  /** Requests answered. Those neither answered nor abandoned are still waiting for Redis. */
  readonly answered: number;
}

type Command = string[];
type Outcome = { result: unknown } | { error: string };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function toCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0)
    throw new HttpError(400, "a command must be a non-empty array");
  const command = value.map((arg) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw new HttpError(400, "command arguments must be strings or numbers");
  });
  // @upstash/ratelimit's scripts start `#!lua flags=allow-key-locking`, a flag Upstash knows
  // and Redis 7 refuses ("Unexpected flag in script shebang"): the script runs the same without.
  if (command[0]?.toLowerCase() === "eval" && command[1])
    command[1] = command[1].replace(/^#!lua flags=allow-key-locking\n/, "");
  return command;
}

// Bulk strings arrive as Buffers (type mapping below) so binary values survive base64.
function encode(value: unknown, base64: boolean): unknown {
  if (Buffer.isBuffer(value)) return value.toString(base64 ? "base64" : "utf8");
  if (typeof value === "string")
    return base64 && value !== "OK" ? Buffer.from(value).toString("base64") : value;
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  return value;
}

// The message of an error reply from Redis (wrong type, syntax...: the caller's fault, HTTP 400).
// Anything else, e.g. Redis being down, is rethrown to become a 500.
function replyError(error: unknown): string {
  if (error instanceof ErrorReply) return error.message;
  throw error;
}

export async function startUpstashRest({
  redisUrl = "redis://127.0.0.1:6379",
  token = "test-token",
}: UpstashRestOptions = {}): Promise<UpstashRest> {
  const redis = createClient({
    url: redisUrl,
    // Fail commands at once while Redis is unreachable instead of queueing them until it is
    // back (the default), so a request gets a quick 500 rather than hanging.
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
  });
  redis.on("error", () => {}); // connection errors are reported per request; keep reconnecting
  // connect() only settles once Redis answers (it retries forever), so wait for the first
  // outcome instead: ready, or the first error when Redis is down at start.
  await new Promise<void>((resolve) => {
    redis.once("ready", resolve);
    redis.once("error", () => resolve());
    redis.connect().catch(() => {}); // rejects only when the client is destroyed while connecting
  });

  const run = async (path: string, body: unknown): Promise<Outcome | Outcome[]> => {
    if (path === "/") {
      try {
        return { result: await redis.sendCommand(toCommand(body)) };
      } catch (error) {
        throw new HttpError(400, replyError(error));
      }
    }
    if (path !== "/pipeline" && path !== "/multi-exec") throw new HttpError(404, `no route for ${path}`);
    if (!Array.isArray(body)) throw new HttpError(400, "the body must be an array of commands");
    const commands = body.map(toCommand);

    if (path === "/pipeline") {
      // Not atomic, like Upstash's pipeline: node-redis writes them back to back on one socket.
      const settled = await Promise.allSettled(commands.map((command) => redis.sendCommand(command)));
      return settled.map((s) =>
        s.status === "fulfilled" ? { result: s.value } : { error: replyError(s.reason) },
      );
    }

    const multi = redis.multi();
    for (const command of commands) multi.addCommand(command);
    try {
      return (await multi.exec()).map((result) => ({ result }));
    } catch (error) {
      // Runtime errors (e.g. WRONGTYPE) fail single commands; the others still ran.
      if (error instanceof MultiErrorReply) {
        return error.replies.map((reply, i) =>
          error.errorIndexes.includes(i) ? { error: (reply as ErrorReply).message } : { result: reply },
        );
      }
      // A command rejected while queueing (e.g. wrong arity): Redis aborted EXEC, nothing ran.
      throw new HttpError(400, replyError(error));
    }
  };

  let requests = 0;
  let abandoned = 0;
  let answered = 0;
  const connections = { accepted: 0, open: 0 };
  const server = http.createServer(async (req, res) => {
    requests++;
    res.once("close", () => {
      if (res.writableFinished) answered++;
      else abandoned++;
    });
    let status = 200;
    let answer: unknown;
    try {
      if (req.method !== "POST") throw new HttpError(405, "only POST is supported");
      if (req.headers.authorization !== `Bearer ${token}`) throw new HttpError(401, "Unauthorized");
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        throw new HttpError(400, "the body is not valid JSON");
      }
      const base64 = req.headers["upstash-encoding"] === "base64";
      const raw = await run(new URL(req.url ?? "/", "http://upstash").pathname, body);
      const encodeOutcome = (o: Outcome) => ("result" in o ? { result: encode(o.result, base64) } : o);
      answer = Array.isArray(raw) ? raw.map(encodeOutcome) : encodeOutcome(raw);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
  server.on("connection", (socket) => {
    connections.accepted++;
    connections.open++;
    socket.once("close", () => connections.open--);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });

  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    get requests() {
      return requests;
    },
    connections,
    get abandoned() {
      return abandoned;
    },
    get answered() {
      return answered;
    },
    close: async () => {
      // fetch() keeps connections alive; drop them or server.close() would wait for their timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      redis.destroy();
    },
  };
}
