// The limits every request is held to before any work is done on it (see ../graphql/limits.ts
// for the numbers). One list of Yoga plugins, used by the Node server and the Worker alike.
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { Plugin } from "graphql-yoga";
import { LIMITS } from "../graphql/limits.js";

export function limitsPlugins(): Plugin[] {
  return [
    maxAliasesPlugin({ n: LIMITS.maxAliases, exposeLimits: true }),
    maxTokensPlugin({ n: LIMITS.maxTokens, exposeLimits: true }),
  ];
}
