// Benchmark server: Agentry's Node server (src/node.ts) as `npm start` runs it, configured by
// the environment (DATABASE_URL, AGENTRY_CACHE…), on PORT. Prints `listening <port>` once ready
// and stops on SIGTERM. Request logging stays as in production (errors only).
import { serve } from "../../src/node.js";

process.env.GRAPHILE_ENV ??= "production";
const running = await serve({ examples: false });
console.log(`listening ${new URL(running.url).port}`);
process.once("SIGTERM", () => running.close().then(() => process.exit(0)));
