// A local stand-in for Neon's WebSocket proxy: the real @neondatabase/serverless Pool/Client
// speak the Postgres wire protocol inside WebSocket binary frames to `/v2?address=host:port`;
// this relay unwraps them onto a plain TCP socket to a local Postgres and back.
import type { AddressInfo } from "node:net";
import net from "node:net";
import ws, { WebSocketServer } from "ws";

type NeonConfig = typeof import("@neondatabase/serverless").neonConfig;

export interface NeonWsRelay {
  port: number;
  url: string;
  close(): Promise<void>;
}

// Only local targets: this relay must never become an open proxy to the outside.
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function parseTarget(reqUrl: string | undefined): { host: string; port: number } | undefined {
  const address = new URL(reqUrl ?? "/", "http://relay").searchParams.get("address");
  if (!address) return undefined;
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !LOCAL_HOSTS.has(host) || !Number.isInteger(port) || port <= 0 || port > 65535) {
    return undefined;
  }
  return { host: host.replace(/^\[|\]$/g, ""), port };
}

export async function startNeonWsRelay(): Promise<NeonWsRelay> {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    // Refuse the upgrade for anything but /v2?address=<local host>:<port> (the callback form
    // lets us answer 400; the boolean form always says 401).
    verifyClient: ({ req }, done) => {
      const ok = new URL(req.url ?? "/", "http://relay").pathname === "/v2" && !!parseTarget(req.url);
      done(ok, 400, "expected /v2?address=<localhost or 127.0.0.1>:<port>");
    },
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });

  wss.on("connection", (socket, req) => {
    const target = parseTarget(req.url)!;
    // The client treats the WebSocket "open" as the TCP connect and starts writing at once;
    // net.Socket queues writes made while it is still connecting, so nothing is lost.
    const tcp = net.connect(target.port, target.host);
    tcp.setNoDelay(true);
    tcp.on("data", (chunk) => {
      if (socket.readyState === ws.OPEN) socket.send(chunk, { binary: true });
    });
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close(1011, "upstream error"));
    socket.on("message", (data) => {
      // With the default binaryType ("nodebuffer") a message is a Buffer (Buffer[] / ArrayBuffer
      // only with other binaryTypes).
      tcp.write(
        Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data,
      );
    });
    socket.on("close", () => tcp.end());
    socket.on("error", () => tcp.destroy());
  });

  const { port } = wss.address() as AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}/v2`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // wss.close() does not end open connections; terminate them so close() cannot hang.
        for (const client of wss.clients) client.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Points the (global) neonConfig at the relay. */
export function configureNeonForRelay(neonConfig: NeonConfig, relayPort: number): void {
  neonConfig.webSocketConstructor = ws as unknown as NeonConfig["webSocketConstructor"];
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${relayPort}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  // Pipelining sends the startup and password messages before the server asks for them, which
  // only works with cleartext password auth; off is correct for any auth (trust here).
  neonConfig.pipelineConnect = false;
}
