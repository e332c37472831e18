// Every operation the explorer sends, typed by GraphQL Code Generator (src/gql/, checked in;
// `npm run codegen` after changing one). Each asks only for what the page draws or shows:
// a graph's nodes and links carry ids and names, the rest is read when a node is opened.
import { graphql } from "./gql/index.js";

export const SearchAgents = graphql(`
  query ExplorerSearch($text: String!, $first: Int!) {
    agents(first: $first, filter: { text: $text }, orderBy: RELEVANCE) {
      totalCount
      nodes {
        id
        ref
        name
        namespace
        description
        source {
          name
        }
      }
    }
  }
`);

/**
 * The type-ahead's index: the catalog's agents by name, 100 a page (about 10,700 points each),
 * only what a suggestion shows; `filter: { source }` re-reads one source whose generation moved.
 */
export const CatalogAgents = graphql(`
  query ExplorerCatalog($first: Int!, $after: String, $filter: AgentFilter) {
    agents(first: $first, after: $after, filter: $filter, orderBy: NAME) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      nodes {
        id
        ref
        name
        namespace
        description
        source {
          name
        }
      }
    }
  }
`);

/**
 * The graph as drawn: node ids, open ends (names no agent has, groups) and links merged per
 * pair of ends, each node with its count of adjacent agents left out (the "+N" badge).
 */
export const AgentGraph = graphql(`
  query ExplorerGraph($roots: [String!]!, $depth: Int!, $kinds: [CollaborationKind!]) {
    agentGraph(roots: $roots, depth: $depth, kinds: $kinds) {
      __typename
      ... on AgentGraph {
        truncated
        nodeBudget
        nodes {
          id
          depth
          hiddenNeighbours
          agent {
            ref
            name
            source {
              name
            }
          }
        }
        openEnds {
          id
          kind
          name
          candidates
        }
        links(merge: true) {
          id
          from
          to
          kinds
          count
          directed
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

/** The same from a server older than `links` and `openEnds`: edges between agents only. */
export const AgentGraphEdges = graphql(`
  query ExplorerGraphEdges($roots: [String!]!, $depth: Int!, $kinds: [CollaborationKind!]) {
    agentGraph(roots: $roots, depth: $depth, kinds: $kinds) {
      __typename
      ... on AgentGraph {
        truncated
        nodeBudget
        nodes {
          depth
          agent {
            id
            ref
            name
            source {
              name
            }
          }
        }
        edges {
          id
          kind
          from {
            __typename
            ... on Agent {
              id
            }
          }
          to {
            __typename
            ... on Agent {
              id
            }
          }
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

export const AgentDetail = graphql(`
  query ExplorerAgent($ref: String!) {
    agent(ref: $ref) {
      __typename
      ... on Agent {
        id
        ref
        name
        namespace
        path
        description
        color
        revision
        source {
          name
        }
        model {
          raw
          family
        }
        toolsMode
        tools {
          name
          tier
          kind
        }
        skills {
          name
          resolved
          origin
          evidence {
            line
            text
          }
        }
        commands {
          name
          resolved
          evidence {
            line
            text
          }
        }
        collaborators {
          ...ExplorerCollaboration
        }
        dependents {
          ...ExplorerCollaboration
        }
        variants {
          ref
        }
        conflicts {
          ref
          path
        }
        diff {
          __typename
          ... on AgentRevisionDiff {
            fromRevision
            toRevision
            bodyChanged
            descriptionChanged
            model {
              from
              to
            }
            toolsAdded {
              name
            }
            toolsRemoved {
              name
            }
            skillsAdded
            skillsRemoved
            commandsAdded
            commandsRemoved
            collaborationsAdded {
              kind
              from
              to
            }
            collaborationsRemoved {
              kind
              from
              to
            }
          }
          ... on AgentryError {
            message
          }
        }
      }
      ... on AgentryError {
        message
      }
    }
  }

  fragment ExplorerCollaboration on Collaboration {
    id
    kind
    summary
    evidence {
      line
      text
    }
    statedBy {
      ref
      path
    }
    from {
      __typename
      ... on Agent {
        id
        ref
        name
      }
      ... on UnresolvedAgent {
        name
        candidates
      }
    }
    to {
      __typename
      ... on Agent {
        id
        ref
        name
      }
      ... on UnresolvedAgent {
        name
        candidates
      }
    }
  }
`);

/**
 * The API's semantic diff from the left agent to the right one (`Agent.compareWith`): what the
 * reader compares, shown under the side-by-side table. "Added" is on the right side only.
 */
export const CompareDiff = graphql(`
  query ExplorerCompareDiff($left: String!, $right: String!) {
    agent(ref: $left) {
      __typename
      ... on Agent {
        compareWith(ref: $right) {
          __typename
          ... on AgentRevisionDiff {
            model {
              from
              to
            }
            toolsMode {
              from
              to
            }
            toolsAdded {
              name
            }
            toolsRemoved {
              name
            }
            skillsAdded
            skillsRemoved
            commandsAdded
            commandsRemoved
            collaborationsAdded {
              kind
              from
              to
            }
            collaborationsRemoved {
              kind
              from
              to
            }
            descriptionChanged
            bodyChanged
          }
          ... on AgentryError {
            message
          }
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

/** One side of a variant comparison: the facts two agents of one name are compared on. */
export const CompareAgent = graphql(`
  query ExplorerCompare($ref: String!) {
    agent(ref: $ref) {
      __typename
      ... on Agent {
        ref
        path
        description
        revision
        updatedAt
        model {
          raw
        }
        toolsMode
        tools {
          name
          tier
        }
        skills {
          name
          resolved
        }
        commands {
          name
        }
        collaborators {
          kind
          to {
            __typename
            ... on Agent {
              name
            }
            ... on UnresolvedAgent {
              name
            }
          }
        }
        variants {
          ref
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

export const Markdown = graphql(`
  query ExplorerMarkdown($ref: String!) {
    agent(ref: $ref) {
      __typename
      ... on Agent {
        ref
        path
        markdown
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

export const Path = graphql(`
  query ExplorerPath($from: String!, $to: String!, $kinds: [CollaborationKind!]) {
    collaborationPath(from: $from, to: $to, kinds: $kinds, maxDepth: 4) {
      __typename
      ... on CollaborationPath {
        length
        agents {
          id
          ref
          name
          source {
            name
          }
        }
        steps {
          direction
          from {
            id
          }
          to {
            id
          }
          collaboration {
            id
            kind
            evidence {
              line
              text
            }
            statedBy {
              ref
              path
            }
          }
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

/** unresolvedReferences costs 95,000 of a query's 100,000: it goes alone, when asked for. */
export const Unresolved = graphql(`
  query ExplorerUnresolved($first: Int!, $after: String) {
    unresolvedReferences(first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      nodes {
        kind
        name
        candidates
        agent {
          ref
          path
        }
        evidence {
          line
          text
        }
      }
    }
  }
`);

export const Conflicts = graphql(`
  query ExplorerConflicts($first: Int!, $after: String) {
    nameConflicts(first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      nodes {
        kind
        name
        namespace
        answeredBy
        paths
        source {
          name
        }
        agents {
          ref
          path
        }
      }
    }
  }
`);

/** The files of an agent name conflict: the one that answers the ref and the others. */
export const ConflictFiles = graphql(`
  query ExplorerConflictFiles($ref: String!) {
    agent(ref: $ref) {
      __typename
      ... on Agent {
        ref
        path
        markdown
        conflicts {
          ref
          path
          markdown
        }
      }
      ... on AgentryError {
        message
      }
    }
  }
`);

/** The empty page's starting points: the agents changed last. */
export const RecentAgents = graphql(`
  query ExplorerRecent {
    agents(first: 8, orderBy: UPDATED_AT) {
      totalCount
      nodes {
        ref
        name
      }
    }
  }
`);

/** What the page polls: cheap, and it moves on every committed write. */
export const Generations = graphql(`
  query ExplorerGenerations {
    sources(first: 100) {
      nodes {
        name
        generation
      }
    }
  }
`);
