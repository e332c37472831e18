// Whole-response caching for graph reads: a POST whose operation asks only for `agentGraph`
// (the expensive read) is answered from the graph cache as the serialized response body, with
// no parsing and no re-serializing. The key is the normalized document, its variables, the
// response's media type, what the caller may see (its source view) and the catalog generation; misses compute once (single flight) and
// only successful answers are stored, with the operation's cost: a hit runs no resolver, but
// the rate limit charges it what the miss cost (decision 0021). The request id and CORS headers
// are not stored: every response, this one too, gets them on its way out (./http-headers.ts).
import { Kind, type OperationDefinitionNode, parse, print } from "graphql";
import { LRUCache } from "lru-cache";
import type { GraphCache } from "../cache/graph-cache.js";
import type { Executor } from "../catalog/database.js";
import { batchedCatalogGeneration } from "../catalog/reads/generation.js";
import { type SourceView, viewKey } from "../catalog/reads/visibility.js";

const CACHEABLE_ROOT_FIELDS = new Set(["agentGraph", "__typename"]);

interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/**
 * Normalized documents by query text: clients send the same few operations again and again,
 * and parsing and printing one was a tenth of a cached response's time.
 */
const documents = new LRUCache<string, { document: string | null }>({ max: 512 });

/** The normalized operation when it is a graph-only query, otherwise null. */
function cacheableDocument(body: GraphQLBody): string | null {
  if (typeof body.query !== "string" || body.query.length > 20_000) return null;
  const known = documents.get(body.query);
  if (known) return known.document;
  const document = normalizedDocument(body.query);
  documents.set(body.query, { document });
  return document;
}

function normalizedDocument(query: string): string | null {
  let doc: ReturnType<typeof parse>;
  try {
    doc = parse(query, { noLocation: true, maxTokens: 2000 });
  } catch {
    return null; // Yoga reports the syntax error.
  }
  const operations = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1 || doc.definitions.length !== 1 || operations[0]!.operation !== "query")
    return null;
  const fields = operations[0]!.selectionSet.selections;
  if (
    fields.length === 0 ||
    !fields.every((f) => f.kind === Kind.FIELD && CACHEABLE_ROOT_FIELDS.has(f.name.value))
  )
    return null;
  if (!fields.some((f) => f.kind === Kind.FIELD && f.name.value === "agentGraph")) return null;
  return print(doc);
}

export async function cachedGraphResponse(
  request: Request,
  /** The POST's parameters, already read and checked (./request-body.ts). */
  body: GraphQLBody,
  cache: GraphCache,
  db: Executor,
  /** What the caller may see: callers with different views never share an entry. */
  view: SourceView,
  answer: (request: Request) => Promise<Response>,
  /** Yoga's Response class: on Node its light ponyfill (a twentieth of undici's cost to build). */
  ResponseClass: typeof Response = Response,
  /** The cost the limits measured for the request `answer` ran (app.ts: by request). */
  costOf: (request: Request) => number | undefined = () => undefined,
): Promise<CachedGraphResponse | null> {
  const document = cacheableDocument(body);
  if (!document) return null;
  const accept = request.headers.get("accept") ?? "";
  // The database unreachable: Yoga answers, and its resolvers report it as any failure.
  const generation = await batchedCatalogGeneration(db).catch(() => null);
  if (generation === null) return null;
  const key = await cache.key(generation, {
    // v2: the entry starts with the operation's cost.
    kind: "response-v2",
    view: viewKey(view),
    document,
    variables: JSON.stringify(body.variables ?? {}),
    operationName: typeof body.operationName === "string" ? body.operationName : null,
    accept: accept.includes("application/graphql-response+json") ? "graphql-response" : "json",
  });
  let uncacheable: Response | null = null;
  // Whether this request computed the entry (a miss: Yoga charged it), or waited for another's.
  let computedHere = false;
  const stored = await cache
    .get(key, async () => {
      computedHere = true;
      const response = await answer(request);
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "application/json";
      // Errors (a not-found is a typed result, not an error) are answered, never stored.
      if (response.status !== 200 || text.includes('"errors"')) {
        uncacheable = new Response(text, { status: response.status, headers: response.headers });
        throw new NotCacheable();
      }
      return `${costOf(request) ?? 0}\n${contentType}\n${text}`;
    })
    .catch((e) => {
      if (e instanceof NotCacheable) return null;
      throw e;
    });
  if (stored === null) return { response: uncacheable ?? (await answer(request)), cost: null };
  const first = stored.indexOf("\n");
  const second = stored.indexOf("\n", first + 1);
  const cost = Number(stored.slice(0, first));
  const response = new ResponseClass(stored.slice(second + 1), {
    status: 200,
    headers: {
      "content-type": stored.slice(first + 1, second),
      "x-agentry-cache": "graph",
    },
  });
  return { response, cost: !computedHere && Number.isFinite(cost) && cost > 0 ? cost : null };
}

export interface CachedGraphResponse {
  response: Response;
  /**
   * A hit's stored cost, for the rate limit to charge; null when this request computed the
   * answer itself (Yoga's plugin charged it).
   */
  cost: number | null;
}

class NotCacheable extends Error {}
