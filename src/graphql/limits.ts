// Limits of the public read API. Each refusal is a GraphQL error that says which limit and
// what the request asked for. The document limits are checked before any work, in the order
// below (src/server/limits-plugin.ts); the cost model and the measurements that chose
// maxCost are in docs/decisions/0014-query-budget.md.
export const LIMITS = {
  /** Largest page of any connection. */
  maxFirst: 100,
  /** nodes(ids:): at most this many ids. */
  maxIds: 100,
  /** agentGraph: the deepest traversal and the most nodes returned. */
  maxGraphDepth: 4,
  graphNodeBudget: 500,
  /**
   * Query text, in characters, refused before it is parsed (or cached). Above what maxTokens
   * allows a real query (5,001 tokens of `__typename ` are 55 KB), so that tokens bind first
   * and this catches padding: a 10 MB whitespace query was parsed and cached whole.
   */
  maxQueryChars: 65_536,
  /**
   * Tokens, counted by the parser, which stops at the limit. The largest example (README,
   * GraphiQL's) has 309, the full introspection query 184. Yoga caches up to 1,024 parsed
   * documents, and a parsed document keeps its tokens: about 256 bytes each (1.2 MB for
   * 4,800), so 2,000 bound the cache at about 0.5 GB where 5,000 allowed 1.3 GB.
   */
  maxTokens: 2000,
  /** Per operation, fragments expanded (a fragment spread twice counts twice). */
  maxDepth: 12,
  maxAliases: 30,
  maxFields: 400,
  maxSpreads: 100,
  maxDirectives: 50,
  /** Cost units (about 20 µs or 50 bytes each, costs.ts): the most expensive operation allowed. */
  maxCost: 100_000,
  /** String arguments, by argument name; any other String or ID argument: `default`. */
  stringChars: {
    default: 512,
    text: 200,
    source: 128,
    namespace: 128,
    skill: 128,
    color: 128,
    tool: 256,
    // A publish's files (src/catalog/publish-limits.ts checks their bytes and rules after this
    // with typed errors that name the file): a body (256 KiB) cannot carry more anyway.
    content: 262_144,
    path: 4_096,
  },
  /** Nesting inside a JSON-like argument (federation representations). */
  maxInputDepth: 8,
} as const;
