// Benchmark peer: PostGraphile v5 serving GraphQL over the same PostgreSQL database that
// `agentry import` fills, so a benchmark can compare an equivalent nested query.
//
//   DATABASE_URL=postgres://… PORT=4100 npx tsx bench/peers/postgraphile.ts
//
// Serves POST /graphql on 127.0.0.1:PORT with production settings (no GraphiQL, no watch, no
// explain, no websockets, a pool of 10 connections), prints `listening <port>` on stdout once
// ready, and stops on SIGTERM or SIGINT. Only the public schema is exposed; our schema is not
// changed: the relations that have no foreign key and the unindexed columns the query filters or
// orders on are declared with smart tags in the preset below.
//
// To stop it from a harness, signal the process that runs this file: `npm exec`/`npx` does not
// pass SIGTERM on, so its tsx child would keep running. Spawning `node --import tsx
// bench/peers/postgraphile.ts` exits 0 on SIGTERM; the `tsx` binary relays the signal and itself
// exits 143.
import { createServer } from "node:http";
import type { JSONPgSmartTags } from "postgraphile/utils";

// Grafast reads GRAPHILE_ENV (or else NODE_ENV) once, when it is first loaded, and runs its
// expensive development checks under NODE_ENV=development or test: pin production unless asked
// otherwise, before the dynamic imports below load it.
process.env.GRAPHILE_ENV ??= "production";

// PostGraphile 5 declares Node >= 22, and the one newer API its packages call is
// Promise.withResolvers (Node 22). Without it every query fails on Node 20 with a masked
// "Cannot read properties of undefined (reading 'items')".
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

const { default: pg } = await import("pg");
const { postgraphile } = await import("postgraphile");
const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
const { makePgService } = await import("postgraphile/adaptors/pg");
const { grafserv } = await import("postgraphile/grafserv/node");
const { addPgTableCondition, jsonPgSmartTags } = await import("postgraphile/utils");
const { TYPES } = await import("postgraphile/@dataplan/pg");

const connectionString = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!connectionString || !Number.isInteger(port) || port < 0) {
  console.error(
    "usage: DATABASE_URL=postgres://… PORT=<port, 0 for any free one> tsx bench/peers/postgraphile.ts",
  );
  process.exit(2);
}

/**
 * collaborations.from_agent_id and to_agent_id reference agents(id) but have no foreign key;
 * `@foreignKey` makes PostGraphile treat them as if they had (Agent.collaborationsByFromAgentId,
 * Collaboration.agentByToAgentId, …). The position and deleted_at columns have no index, so
 * PostGraphile would not offer them in orderBy/condition: `@isIndexed` lets it.
 */
const agentrySmartTags: JSONPgSmartTags = {
  version: 1,
  config: {
    class: {
      "public.collaborations": {
        tags: {
          foreignKey: [
            "(from_agent_id) references public.agents (id)",
            "(to_agent_id) references public.agents (id)",
          ],
        },
      },
      "public.agents": { attribute: { deleted_at: { tags: { isIndexed: true } } } },
      "public.agent_tools": { attribute: { position: { tags: { isIndexed: true } } } },
      "public.agent_skills": { attribute: { position: { tags: { isIndexed: true } } } },
    },
  },
};

/**
 * `condition: { resolved: true }` on collaborations: Agentry leaves out mentions of names that
 * resolved to no agent (`kind <> 'mention' or to_agent_id is not null`).
 */
const ResolvedCollaborationCondition = addPgTableCondition(
  { schemaName: "public", tableName: "collaborations" },
  "resolved",
  (build) => ({
    description: "True: leave out mentions that resolved to no agent, as Agentry's `collaborators` does.",
    type: build.graphql.GraphQLBoolean,
  }),
  (value, { sql, sqlTableAlias, sqlValueWithCodec }) => {
    if (value == null) return null;
    return sql`((${sqlTableAlias}.kind <> 'mention' or ${sqlTableAlias}.to_agent_id is not null) = ${sqlValueWithCodec(value, TYPES.boolean)})`;
  },
);

const pool = new pg.Pool({ connectionString, max: 10 });
pool.on("error", (e) => console.error("postgraphile peer: idle client error", e));

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [jsonPgSmartTags(agentrySmartTags), ResolvedCollaborationCondition],
  pgServices: [makePgService({ pool, schemas: ["public"], pubsub: false })],
  grafserv: {
    host: "127.0.0.1",
    port,
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    graphqlOverGET: false,
    watch: false,
    websockets: false,
  },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
await pgl.getSchema(); // introspect and build now, so the first request is not the one that waits
const server = createServer();
server.on("error", (e) => {
  console.error("postgraphile peer:", e);
  process.exit(1);
});
await serv.addTo(server);
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
const address = server.address();
process.stdout.write(`listening ${typeof address === "object" && address ? address.port : port}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await pgl.release();
  await pool.end();
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    stop().then(
      () => process.exit(0),
      (e) => {
        console.error("postgraphile peer: stop failed", e);
        process.exit(1);
      },
    );
  });
}
