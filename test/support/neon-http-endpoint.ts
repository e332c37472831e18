// A local stand-in for Neon's HTTP SQL endpoint (what `neon()` from @neondatabase/serverless and
// drizzle-orm/neon-http POST to), answering from a real local Postgres through `pg`.
//
// Protocol, as the 1.2 client speaks it (see node_modules/@neondatabase/serverless/index.mjs):
// - POST to `neonConfig.fetchEndpoint(host, port, { jwtAuth })` with JSON `{query, params}` or, for
//   `sql.transaction([...])`, `{queries: [{query, params}, ...]}`. Params are already serialized
//   to strings (or null) by the client.
// - Headers: `Neon-Connection-String` (the target database), `Neon-Array-Mode` and
//   `Neon-Raw-Text-Output` (the 1.2 client always sends both as "true": it parses the raw text
//   itself, with its own type parsers, and builds row objects from arrays when asked for objects),
//   and for batches `Neon-Batch-Isolation-Level` / `-Read-Only` / `-Deferrable`.
// - 200 answer: `{fields, rows, command, rowCount, rowAsArray}`, or `{results: [...]}` for a batch.
// - 400 answer: `{message, code, detail, ...}`; the client copies those fields onto a NeonDbError.
//   Any other status becomes "Server error (HTTP status N): <body>" on the client.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";

type NeonConfig = typeof import("@neondatabase/serverless").neonConfig;

export interface NeonHttpEndpoint {
  port: number;
  url: string;
  close(): Promise<void>;
  /** Number of HTTP requests handled so far. */
  readonly requests: number;
}

interface QueryData {
  query: string;
  params?: unknown[];
}

// The pg error fields the client copies onto NeonDbError (plus `message`).
const PG_ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

// Header value -> SQL; a fixed map so header text never reaches the SQL string.
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

// Every value comes back as Postgres' text output, untouched.
const RAW_TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

class BadRequest extends Error {}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function beginStatement(req: http.IncomingMessage): string {
  const parts = ["BEGIN"];
  const isolation = header(req, "Neon-Batch-Isolation-Level");
  if (isolation !== undefined) {
    const level = ISOLATION_LEVELS[isolation];
    if (!level) throw new BadRequest(`invalid Neon-Batch-Isolation-Level: ${isolation}`);
    parts.push(`ISOLATION LEVEL ${level}`);
  }
  const readOnly = header(req, "Neon-Batch-Read-Only");
  if (readOnly !== undefined) parts.push(readOnly === "true" ? "READ ONLY" : "READ WRITE");
  const deferrable = header(req, "Neon-Batch-Deferrable");
  if (deferrable !== undefined) parts.push(deferrable === "true" ? "DEFERRABLE" : "NOT DEFERRABLE");
  return parts.join(" ");
}

async function runQuery(client: pg.ClientBase, data: QueryData, arrayMode: boolean, rawText: boolean) {
  if (typeof data?.query !== "string") throw new BadRequest("each query needs a string `query`");
  const config = {
    text: data.query,
    values: data.params ?? [],
    // Neon always uses the extended protocol, so several statements in one query are an error
    // there; pg would otherwise switch to the simple protocol when there are no params.
    queryMode: "extended",
    ...(arrayMode ? { rowMode: "array" } : {}),
    ...(rawText ? { types: RAW_TEXT_TYPES } : {}),
  };
  const result = (await client.query(config as pg.QueryConfig)) as pg.QueryResult;
  return {
    // Plain objects: pg's field objects carry nothing else, but keep the wire shape explicit.
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    rows: result.rows,
    command: result.command,
    rowCount: result.rowCount,
    rowAsArray: arrayMode,
  };
}

export async function startNeonHttpEndpoint(): Promise<NeonHttpEndpoint> {
  const pools = new Map<string, pg.Pool>();
  let requests = 0;

  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 5, connectionTimeoutMillis: 5000 });
      pool.on("error", () => {}); // an idle client dropped by the server must not crash the process
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const handle = async (req: http.IncomingMessage): Promise<{ status: number; body: unknown }> => {
    if (req.method !== "POST") return { status: 405, body: { message: "only POST is supported" } };
    const connectionString = header(req, "Neon-Connection-String");
    if (!connectionString) throw new BadRequest("missing Neon-Connection-String header");
    const arrayMode = header(req, "Neon-Array-Mode") === "true";
    const rawText = header(req, "Neon-Raw-Text-Output") === "true";

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let payload: { query?: string; params?: unknown[]; queries?: QueryData[] };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      throw new BadRequest("request body is not valid JSON");
    }

    const pool = poolFor(connectionString);
    if (!Array.isArray(payload.queries)) {
      const client = await pool.connect();
      try {
        return { status: 200, body: await runQuery(client, payload as QueryData, arrayMode, rawText) };
      } finally {
        client.release();
      }
    }

    // A batch runs in one transaction on one connection: all results, or the first error.
    const begin = beginStatement(req);
    const client = await pool.connect();
    try {
      await client.query(begin);
      const results = [];
      for (const query of payload.queries) results.push(await runQuery(client, query, arrayMode, rawText));
      await client.query("COMMIT");
      return { status: 200, body: { results } };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  const server = http.createServer((req, res) => {
    requests++;
    handle(req)
      .catch((error: unknown) => {
        if (error instanceof pg.DatabaseError) {
          const body: Record<string, unknown> = { message: error.message };
          for (const field of PG_ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
          return { status: 400, body };
        }
        if (error instanceof BadRequest) return { status: 400, body: { message: error.message } };
        // Not an answer from Postgres (e.g. Postgres unreachable): a server error, which the client
        // reports as "Server error (HTTP status 500): <body>".
        return { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
      })
      .then(({ status, body }) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });

  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/sql`,
    get requests() {
      return requests;
    },
    close: async () => {
      // fetch() keeps connections alive; drop them or server.close() would wait for their timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

/** Points the (global) neonConfig's `neon()` HTTP queries at the endpoint. */
export function configureNeonForHttp(neonConfig: NeonConfig, port: number): void {
  neonConfig.fetchEndpoint = () => `http://127.0.0.1:${port}/sql`;
}
