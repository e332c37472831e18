// Agentry's subgraph composes with another team's subgraph into a supergraph, without errors:
// Agent is one entity with fields from both, and Agentry's other entities are there.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { composeServices } from "@apollo/composition";
import { type GraphQLObjectType, parse, visit } from "graphql";
import { describe, expect, it } from "vitest";
import { FEDERATION_DIRECTIVES } from "../../src/graphql/federation.js";
import { agentrySdl, composeSupergraph } from "./supergraph.js";

describe("composition with a second subgraph", () => {
  it("composes with no errors, Agent taking fields from both subgraphs", async () => {
    const result = await composeSupergraph();
    expect(result.errors).toBeUndefined();
    expect(result.hints).toEqual([]);
    const supergraph = result.supergraphSdl!;
    expect(supergraph).toMatch(
      /AGENTRY @join__graph\(name: "agentry", url: "http:\/\/agentry.test\/graphql"\)/,
    );
    expect(supergraph).toMatch(
      /RATINGS @join__graph\(name: "ratings", url: "http:\/\/ratings.test\/graphql"\)/,
    );
    // Agent: both of our keys, and the ratings subgraph's.
    const agent = supergraph.slice(supergraph.indexOf("type Agent"));
    const head = agent.slice(0, agent.indexOf("{"));
    expect(head).toContain('@join__type(graph: AGENTRY, key: "id")');
    expect(head).toContain('@join__type(graph: AGENTRY, key: "ref")');
    expect(head).toContain('@join__type(graph: RATINGS, key: "ref")');
    // Skill, AgentryTool and AgentrySource are entities with their natural keys.
    expect(supergraph).toMatch(/type Skill\s[^{]*@join__type\(graph: AGENTRY, key: "ref"\)/);
    expect(supergraph).toMatch(/type AgentryTool\s[^{]*@join__type\(graph: AGENTRY, key: "name"\)/);
    expect(supergraph).toMatch(/type AgentrySource\s[^{]*@join__type\(graph: AGENTRY, key: "name"\)/);
  });

  it("gives clients one API with fields and root fields of both", async () => {
    const result = await composeSupergraph();
    const api = result.schema!.toAPISchema().toGraphQLJSSchema();
    const agent = api.getType("Agent") as GraphQLObjectType;
    expect(Object.keys(agent.getFields())).toEqual(
      expect.arrayContaining(["id", "ref", "name", "tools", "source", "rating", "runs"]),
    );
    const query = api.getQueryType()!.getFields();
    expect(Object.keys(query)).toEqual(
      expect.arrayContaining(["agent", "agents", "skills", "tools", "sources", "topRatedAgents", "run"]),
    );
    // Federation's plumbing is not part of the supergraph's API.
    expect(query._entities).toBeUndefined();
    expect(query._service).toBeUndefined();
    expect(api.getType("Run")).toBeDefined();
  });

  it("composes from the checked-in schema/subgraph.graphql, which is what the app serves", async () => {
    const file = readFileSync(resolve(import.meta.dirname, "../../schema/subgraph.graphql"), "utf8");
    const served = await agentrySdl();
    expect(file.replace(/^#.*\n\n/, "").trimEnd()).toBe(served.trimEnd());
    const result = await composeSupergraph(undefined, file);
    expect(result.errors).toBeUndefined();
  });

  it("reports a conflicting definition as a composition error", async () => {
    // A subgraph that disagrees on the type of Agent.name cannot be composed with ours.
    const result = composeServices([
      { name: "agentry", url: "http://a/graphql", typeDefs: parse(await agentrySdl()) },
      {
        name: "bad",
        url: "http://b/graphql",
        typeDefs:
          parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
          type Agent @key(fields: "ref") { ref: String! name: Int! @shareable }
          type Query { x: Int }`),
      },
    ]);
    expect(result.errors?.map((e) => e.message).join("\n")).toMatch(/Agent\.name/);
  });

  it("links every federation directive the SDL applies", async () => {
    // schema.ts names them rather than letting the plugin discover them (a second build).
    const used = new Set<string>();
    visit(parse(await agentrySdl()), { Directive: (d) => void used.add(`@${d.name.value}`) });
    used.delete("@link");
    expect([...used].sort()).toEqual([...FEDERATION_DIRECTIVES].sort());
  });
});
