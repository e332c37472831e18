// Starts the local Upstash REST stand-in (over the local Redis) in its own process and prints
// `{"url":…,"token":…}` on one line: for benchmarks, and for trying the Upstash cache locally
// (UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN).
import { startUpstashRest } from "../test/support/upstash-rest.js";

const rest = await startUpstashRest({
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
});
console.log(JSON.stringify({ url: rest.url, token: rest.token }));
const stop = () => rest.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
