// The public contract of a supergraph in which other teams tag nothing: include "public",
// exclude "internal" must still compose, keeping Agentry's public fields and leaving the other
// teams' untagged fields out. Agentry tags its fields, not the object types other subgraphs
// contribute fields to (`Query`, `Agent`): a type-level @tag(name: "public") included every
// field of the merged type, ownership's `Agent.owner` and `Query.team` too, whose type (Team)
// the contract then excluded, and both Hive's and Apollo's contract composition refused that
// ("Type "Team" is @inaccessible but is referenced by "Agent.owner", which is in the API
// schema"). src/graphql/contract-tags.ts.
import { composeServices as apolloCompose } from "@apollo/composition";
import { applyTagFilterOnSubgraphs, composeSchemaContract } from "@theguild/federation-composition";
import { buildASTSchema, type GraphQLObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { serviceDefinitions } from "./supergraph.js";

const filter = { include: new Set(["public"]), exclude: new Set(["internal"]) };

describe("the supergraph's public contract, other teams tagging nothing", () => {
  it("composes by Hive's composeSchemaContract: Agentry's public fields only", async () => {
    const result = composeSchemaContract(await serviceDefinitions(), filter, true);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const api = buildASTSchema(parse(result.publicSdl!), { assumeValidSDL: true });
    const agent = (api.getType("Agent") as GraphQLObjectType).getFields();
    expect(agent.markdown).toBeUndefined();
    expect(agent.diagnostics).toBeUndefined();
    expect(Object.keys(agent)).toEqual(expect.arrayContaining(["id", "ref", "name", "tools", "source"]));
    expect(agent.owner).toBeUndefined();
    expect(api.getType("Team")).toBeUndefined();
  });

  it("composes by Apollo's composition of the tag-filtered subgraphs", async () => {
    const result = apolloCompose(applyTagFilterOnSubgraphs(await serviceDefinitions(), filter));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const agent = (
      result.schema!.toAPISchema().toGraphQLJSSchema().getType("Agent") as GraphQLObjectType
    ).getFields();
    expect(agent.markdown).toBeUndefined();
    expect(Object.keys(agent)).toEqual(expect.arrayContaining(["id", "ref", "name", "tools", "source"]));
  });
});
