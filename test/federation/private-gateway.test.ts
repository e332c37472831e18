// Private sources through a real gateway (issue 16 point 3): the gateway forwards the caller's
// Authorization header to Agentry (RemoteGraphQLDataSource.willSendRequest, as a team's
// gateway is configured), so the `_entities` it asks for another subgraph's agents answer what
// that caller may see: a private agent is a placeholder (as a ref that names nothing) without
// the header, the agent with a key that reads its source.
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, localActor } from "../../src/auth/api-keys.js";
import { setSourceVisibility } from "../../src/catalog/publish.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { listen, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { startRatings } from "./ratings.js";
import { composeSupergraph } from "./supergraph.js";

const pglite = (await driverCases()).find((c) => c.driver === "pglite")!;
const PRIVATE = "community-agents";

describe("private sources through an Apollo gateway that forwards the caller's header", () => {
  let t: TestDatabase;
  let agentry: Awaited<ReturnType<typeof listen>>;
  let ratings: Awaited<ReturnType<typeof startRatings>>;
  let gateway: ApolloServer<{ authorization?: string }>;
  let gatewayUrl: string;
  let token = "";

  beforeAll(async () => {
    t = await pglite.open();
    await loadExamplesIfEmpty(t.database);
    await setSourceVisibility(t.database, PRIVATE, "private", { actor: localActor() });
    token = (await createKey(t.database.db, { name: "community-reader", scopes: [`read:${PRIVATE}`] })).token;
    agentry = await listen(testApp(t.database));
    ratings = await startRatings();
    const composed = await composeSupergraph({ agentry: `${agentry.url}/graphql`, ratings: ratings.url });
    expect(composed.errors).toBeUndefined();
    gateway = new ApolloServer<{ authorization?: string }>({
      gateway: new ApolloGateway({
        supergraphSdl: composed.supergraphSdl!,
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource<{ authorization?: string }>({
            url,
            willSendRequest({ request, context }) {
              if (context.authorization) request.http?.headers.set("authorization", context.authorization);
            },
          }),
      }),
    });
    ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
      listen: { port: 0, host: "127.0.0.1" },
      context: async ({ req }) =>
        req.headers.authorization ? { authorization: req.headers.authorization } : {},
    }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await ratings?.stop();
    await agentry?.close();
    await t?.cleanup();
  });

  async function viaGateway(query: string, authorization?: string) {
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  // Ratings lists agents of three sources; Agentry completes them by `_entities`.
  const TOP_RATED = `{ topRatedAgents(first: 12) { ref rating description placeholder source { name agentCount } } }`;

  it("answers a private agent as a placeholder to a caller without the header", async () => {
    const data = await viaGateway(TOP_RATED);
    const community = data.topRatedAgents.filter((a: any) => a.ref.startsWith(`${PRIVATE}/`));
    expect(community.length).toBeGreaterThan(1);
    for (const a of community)
      expect(a).toMatchObject({
        placeholder: true,
        description: null,
        source: { name: PRIVATE, agentCount: 0 },
      });
    // The public sources' agents are answered as before.
    const acme = data.topRatedAgents.filter((a: any) => a.ref.startsWith("acme-platform/"));
    expect(acme.length).toBeGreaterThan(1);
    for (const a of acme) expect(a).toMatchObject({ placeholder: false, description: expect.any(String) });
  });

  it("answers it whole to a caller whose key the gateway forwards", async () => {
    const data = await viaGateway(TOP_RATED, `Bearer ${token}`);
    const community = data.topRatedAgents.filter((a: any) => a.ref.startsWith(`${PRIVATE}/`));
    expect(community.length).toBeGreaterThan(1);
    for (const a of community)
      expect(a).toMatchObject({
        placeholder: false,
        description: expect.any(String),
        source: { name: PRIVATE },
      });
    expect(community[0].source.agentCount).toBeGreaterThan(0);
  });
});
