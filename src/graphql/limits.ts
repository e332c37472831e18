// Limits of the public read API. Each refusal is a GraphQL error that says which limit and
// what the request asked for.
export const LIMITS = {
  /** Largest page of any connection. */
  maxFirst: 100,
  /** agentGraph: the deepest traversal and the most nodes returned. */
  maxGraphDepth: 4,
  graphNodeBudget: 500,
  /** Parsed document limits. */
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5000,
  /** Pothos complexity: a field costs 1, a list multiplies its selection by its `first`. */
  maxComplexity: 50_000,
  maxBreadth: 400,
} as const;
