// Tools: what an agent may use (Read, Bash, mcp__github__create_issue…), with a tier.
import type { AgentTool } from "../catalog/reads/index.js";
import { builder } from "./builder.js";

export const ToolTierEnum = builder.enumType("AgentryToolTier", {
  description:
    "The group a tool is listed under when an agent's `tools` is a map of tiers (`essential:`, `optional:`, `specialized:`).",
  values: {
    ESSENTIAL: { value: "essential", description: "Listed under `essential:`." },
    OPTIONAL: { value: "optional", description: "Listed under `optional:`." },
    SPECIALIZED: { value: "specialized", description: "Listed under `specialized:`." },
    NONE: {
      value: "none",
      description: "Listed without a tier: a plain list or string, or under a key that is not a tier.",
    },
  } as const,
});

export const ToolKindEnum = builder.enumType("AgentryToolKind", {
  description: "What kind of tool name it is, read from how it is written.",
  values: {
    BUILTIN: { value: "builtin", description: "A plain tool name such as `Read` or `Bash(git:*)`." },
    MCP: { value: "mcp", description: "`mcp__server__tool`." },
    WILDCARD: { value: "wildcard", description: "`*`, `mcp__server__*` and other patterns." },
    OTHER: { value: "other", description: "Any other token, kept as written." },
  } as const,
});

export const AgentToolRef = builder.objectRef<AgentTool>("AgentTool").implement({
  description: "A tool as one agent lists it.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description: "As written, e.g. `Read`, `Bash(git diff:*)` or `mcp__github__create_pull_request`.",
    }),
    kind: t.field({ type: ToolKindEnum, description: "What kind of name it is.", resolve: (x) => x.kind }),
    server: t.exposeString("server", {
      nullable: true,
      description:
        "The server of an `mcp__server__…` name (an MCP tool or an MCP wildcard), e.g. `github`; null otherwise.",
    }),
    tier: t.field({
      type: ToolTierEnum,
      description: "The tier the agent lists it under; `NONE` when its `tools` has no tiers.",
      resolve: (x) => x.tier,
    }),
  }),
});
