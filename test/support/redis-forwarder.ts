// A TCP forwarder to the local Redis that a test can stop and restart, to play "Redis is
// down" (and back) without touching the real server.
import net from "node:net";

/** A TCP forwarder to Redis that a test can stop and restart, to play "Redis is down". */
export function redisForwarder(port: number) {
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  return {
    start: () =>
      new Promise<void>((resolve, reject) => {
        server = net.createServer((downstream) => {
          const upstream = net.connect(6379, "127.0.0.1");
          for (const s of [downstream, upstream]) {
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
            s.on("error", () => {});
          }
          downstream.pipe(upstream).pipe(downstream);
        });
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
