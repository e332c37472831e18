// Writes GraphiQL's page, with its scripts and styles inline, to dist/assets/graphiql.html:
// the Worker serves it as a static asset (too big for the Worker bundle, and no CDN needed).
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { EXAMPLE_OPERATIONS } from "../src/server/example-operations.js";

const out = resolve(import.meta.dirname, "../dist/assets");
mkdirSync(out, { recursive: true });
const html = renderGraphiQL({ title: "Agentry", defaultQuery: EXAMPLE_OPERATIONS, endpoint: "/graphql" });
writeFileSync(resolve(out, "graphiql.html"), html);
console.log(`wrote ${out}/graphiql.html (${(html.length / 1024 / 1024).toFixed(1)} MiB)`);
