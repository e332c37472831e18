// Runs the parity operations against one server and returns normalized answers, the same code
// for both sides: the Node side runs it in Node (test/worker/global-setup.ts, which hands the
// answers to the workerd tests), the Worker side inside workerd (test/worker/parity.test.ts),
// which compares the two operation by operation. Comparing the servers with each other rather
// than with a committed expectation keeps the suite about parity: a change of an answer that
// both make alike (another issue's work) needs no update here.
//
// Each list runs twice: the second round must answer as the first, so the whole-response cache
// (agentGraph hits) is compared too.
import { PARITY_OPERATIONS } from "./operations.js";

export type Post = (body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

export interface ParityAnswer {
  name: string;
  status: number;
  body: unknown;
}

const IDS = `{ agent(ref: "acme-platform/api-designer") { ... on Agent { id } } sources(first: 1) { nodes { id } } }`;

export async function runParity(post: Post): Promise<ParityAnswer[]> {
  const ids = (await post({ query: IDS })).body as {
    data: { agent: { id: string }; sources: { nodes: { id: string }[] } };
  };
  const values: Record<string, string> = {
    $agentId: ids.data.agent.id,
    $sourceId: ids.data.sources.nodes[0]!.id,
  };
  const out: ParityAnswer[] = [];
  for (const round of [1, 2]) {
    for (const op of PARITY_OPERATIONS) {
      const variables = op.variables ? substitute(op.variables, values) : undefined;
      const r = await post({
        query: op.query,
        ...(variables ? { variables } : {}),
        ...(op.operationName ? { operationName: op.operationName } : {}),
      });
      out.push({ name: `${op.name} (round ${round})`, status: r.status, body: normalize(r.body) });
    }
  }
  return out;
}

function substitute(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === "string") return values[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  return value;
}

/** Keys whose values differ between two servers on one catalog for reasons that are not answers. */
const VOLATILE = new Set(["id", "cursor", "startCursor", "endCursor", "requestId"]);

/** The answer without ids, cursors and request ids, its object keys in order (JSON key order is not meaning). */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([k]) => !VOLATILE.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}
