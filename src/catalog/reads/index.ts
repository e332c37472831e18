// Read operations for the API. Each takes the drizzle database (or a transaction) first and
// sends a number of statements that does not grow with the size of its answer; those taking
// a list of agent ids answer them all in one statement, grouped per id in input order, which
// is the contract of a dataloader's batch function.
export {
  type AgentModel,
  type AgentSummary,
  diagnosticsOf,
  getAgentByRef,
  getAgentMarkdown,
  getAgentsByIds,
  getAgentsByRefs,
  type ModelFamily,
  markdownsOf,
  type ToolsMode,
} from "./agents.js";
export {
  COLLABORATION_KINDS,
  type CollaborationEdge,
  type CollaborationKind,
  collaboratorsOf,
  collaboratorsWithEnds,
  dependentsOf,
  type EdgeEnd,
  type EdgeOptions,
} from "./collaborations.js";
export {
  type ConflictKind,
  conflictsOf,
  type NameConflictArgs,
  type NameConflictGroup,
  nameConflictGroups,
} from "./conflicts.js";
export { InvalidArgumentError, InvalidCursorError, NotFoundError } from "./errors.js";
export {
  type AgentCommand,
  type AgentExample,
  type AgentFacts,
  type AgentSection,
  type AgentSkill,
  type AgentTool,
  type CommandInfo,
  commandsBy,
  commandsOf,
  type Evidence,
  examplesOf,
  factsOf,
  type SkillInfo,
  sectionsOf,
  skillsBy,
  skillsOf,
  type ToolKind,
  type ToolTier,
  toolsOf,
} from "./facts.js";
export {
  type AgentGraph,
  type AgentGraphArgs,
  agentGraph,
  type CollaborationPath,
  collaborationPath,
  type GraphDirection,
  type GraphNode,
  type PathArgs,
  type PathStep,
} from "./graph.js";
export type { Page } from "./internal.js";
export {
  type AgentFilter,
  type AgentOrder,
  type AgentPage,
  type ListAgentsArgs,
  type ListedAgent,
  listAgents,
} from "./list-agents.js";
export {
  type Change,
  type DiffEdge,
  type DiffExample,
  type DiffTool,
  type RevisionDiff,
  type RevisionInfo,
  revisionDiff,
  revisionDiffs,
  revisionsOf,
} from "./revisions.js";
export {
  type UnresolvedArgs,
  type UnresolvedKind,
  type UnresolvedReference,
  unresolvedReferences,
} from "./unresolved.js";
export { variantsOf } from "./variants.js";
