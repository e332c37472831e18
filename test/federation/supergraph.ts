// Composition helpers for the federation tests: each subgraph's SDL as its `_service { sdl }`
// answers it, composed by @apollo/composition as `rover supergraph compose` would.
import { createRequire } from "node:module";
import { type CompositionResult, composeServices } from "@apollo/composition";
import { type GraphQLSchema, parse } from "graphql";
import { schema } from "../../src/graphql/schema.js";
import { ownershipSchema } from "./ownership.js";
import { projectsSchema } from "./projects.js";
import { ratingsSchema } from "./ratings.js";

// Both schemas are built by packages that vitest leaves to Node (Pothos, @apollo/subgraph), and
// Node loads graphql's CommonJS build for them; this file, transformed by vitest, would get its
// ESM build, whose `graphql()` refuses their schemas ("from another module or realm"). So the
// schemas are executed with the build that made them.
const { graphql } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export async function serviceSdl(subgraph: GraphQLSchema): Promise<string> {
  const result = await graphql({ schema: subgraph, source: "{ _service { sdl } }", contextValue: {} });
  if (result.errors?.length) throw result.errors[0];
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

/** What Agentry's `_service { sdl }` answers. */
export const agentrySdl = () => serviceSdl(schema);
export const ratingsSdl = () => serviceSdl(ratingsSchema());
export const projectsSdl = () => serviceSdl(projectsSchema());
export const ownershipSdl = () => serviceSdl(ownershipSchema());

export async function composeSupergraph(
  urls: { agentry: string; ratings: string } = {
    agentry: "http://agentry.test/graphql",
    ratings: "http://ratings.test/graphql",
  },
  sdl?: string,
): Promise<CompositionResult> {
  return composeServices([
    { name: "agentry", url: urls.agentry, typeDefs: parse(sdl ?? (await agentrySdl())) },
    { name: "ratings", url: urls.ratings, typeDefs: parse(await ratingsSdl()) },
  ]);
}

export type SubgraphName = "agentry" | "ratings" | "projects" | "ownership";

/** The subgraphs' definitions as `rover supergraph compose` is given them (their served SDL). */
export async function serviceDefinitions(
  urls: Partial<Record<SubgraphName, string>> = {},
  sdl: Partial<Record<SubgraphName, string>> = {},
): Promise<{ name: SubgraphName; url: string; typeDefs: import("graphql").DocumentNode }[]> {
  const served: Record<SubgraphName, () => Promise<string>> = {
    agentry: agentrySdl,
    ratings: ratingsSdl,
    projects: projectsSdl,
    ownership: ownershipSdl,
  };
  const names: SubgraphName[] = ["agentry", "ratings", "projects", "ownership"];
  return Promise.all(
    names.map(async (name) => ({
      name,
      url: urls[name] ?? `http://${name}.test/graphql`,
      typeDefs: parse(sdl[name] ?? (await served[name]())),
    })),
  );
}

/** Agentry, ratings, and the two subgraphs other teams write (projects.ts, ownership.ts). */
export async function composeFour(
  urls: Partial<Record<SubgraphName, string>> = {},
  sdl: Partial<Record<SubgraphName, string>> = {},
): Promise<CompositionResult> {
  return composeServices(await serviceDefinitions(urls, sdl));
}
