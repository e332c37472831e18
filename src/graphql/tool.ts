// Tools: what an agent may use (Read, Bash, mcp__github__create_issue…), with a tier.
import type { AgentTool } from "../catalog/reads/index.js";
import { builder } from "./builder.js";

export const ToolTierEnum = builder.enumType("AgentryToolTier", {
  values: {
    ESSENTIAL: { value: "essential" },
    OPTIONAL: { value: "optional" },
    SPECIALIZED: { value: "specialized" },
    NONE: { value: "none", description: "Listed without a tier." },
  } as const,
});

export const ToolKindEnum = builder.enumType("AgentryToolKind", {
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
    name: t.exposeString("name"),
    kind: t.field({ type: ToolKindEnum, resolve: (x) => x.kind }),
    server: t.exposeString("server", { nullable: true, description: "The MCP server of an MCP tool." }),
    tier: t.field({ type: ToolTierEnum, resolve: (x) => x.tier }),
  }),
});
