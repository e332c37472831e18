// The API as a client sees it: requests through the app's fetch (no socket) or over HTTP.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServerAdapter } from "@whatwg-node/server";
import type { Database } from "../../src/catalog/database.js";
import { type App, type AppOptions, createApp, type Logger, type Peer } from "../../src/server/app.js";
import { jitPlugin } from "../../src/server/jit.js";

export interface CapturedLogger extends Logger {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
}

export function captureLogger(): CapturedLogger {
  const lines: CapturedLogger["lines"] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: "error", message, ...(fields ? { fields } : {}) }),
  };
}

/**
 * The app as `npm start` builds it (graphql-jit included), minus GraphiQL, the cache and the
 * rate limit (tests fire thousands of requests from one address; test/server/rate-limit*
 * test the limit, which src/node.ts turns on by default). `rateLimit` turns one on.
 */
export function testApp(
  database: Database,
  logger: Logger = captureLogger(),
  options: Pick<AppOptions, "rateLimit" | "http"> = {},
): App {
  return createApp({ database, logger, plugins: [jitPlugin()], rateLimit: false, ...options });
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T;
    errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
  };
  headers: Headers;
}

export async function gql<T = Record<string, unknown>>(
  app: App,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const response = await app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return {
    status: response.status,
    body: (await response.json()) as GqlResult<T>["body"],
    headers: response.headers,
  };
}

/** Serves the app on an ephemeral loopback port. */
export async function listen(app: App): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  // As src/node.ts: the socket's address is the caller.
  const server = createServer(
    createServerAdapter<{ req: IncomingMessage }>((request: Request, context) =>
      app.fetch(request, undefined, { address: context.req?.socket.remoteAddress ?? null } satisfies Peer),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
