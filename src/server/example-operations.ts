// What GraphiQL opens with: operations that show something on the example catalog. Pick one
// with the operation selector next to the ▶ button.
export const EXAMPLE_OPERATIONS = `# Welcome to Agentry: a knowledge graph of AI agent definitions.
# Run an operation with the ▶ button (or Ctrl+Enter); pick which one next to it.

query AgentDetail {
  agent(ref: "acme-platform/api-designer") {
    __typename
    ... on Agent {
      ref
      description
      model { raw family }
      tools { name tier }
      skills { name resolved }
      commands { name resolved }
      examples { context user }
      collaborators {
        kind
        to { __typename ... on Agent { ref } ... on UnresolvedAgent { name } }
        evidence { line text }
      }
      variants { ref model { raw } }
    }
    ... on AgentryError { message }
  }
}

query Graph {
  agentGraph(roots: ["acme-platform/api-designer"], depth: 3, kinds: [HANDOFF, PEER]) {
    ... on AgentGraph {
      truncated
      nodes { id depth hiddenNeighbours agent { name } }
      openEnds { id kind name }
      links(merge: true) { from to kinds count directed }
    }
    ... on AgentryError { message }
  }
}

query Search {
  agents(first: 10, filter: { text: "release" }, orderBy: RELEVANCE) {
    totalCount
    nodes { ref description }
  }
}

query Path {
  collaborationPath(from: "acme-platform/api-designer", to: "acme-platform/docs-writer") {
    ... on CollaborationPath { length steps { direction from { name } to { name } collaboration { kind } } }
  }
}

query Unresolved {
  unresolvedReferences(first: 20) {
    nodes { kind name candidates agent { ref } evidence { line text } }
  }
}

query Sources {
  sources(first: 10) { totalCount nodes { name agentCount } }
}
`;
