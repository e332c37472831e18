// Relay connections from the catalog's keyset pages, and the catalog's pagination errors as
// the schema's InvalidInputError. Shared by every connection field.
import { z } from "zod";
import { InvalidArgumentError, InvalidCursorError } from "../catalog/reads/index.js";
import { invalidInput } from "./errors.js";
import { LIMITS } from "./limits.js";

export const first = z
  .number()
  .int()
  .min(1, "must be at least 1")
  .max(LIMITS.maxFirst, `must be at most ${LIMITS.maxFirst}`);

/** A connection's own arguments: `first` within its limits (the rest are typed by GraphQL). */
export const pageArgs = z.object({ first: first.optional().nullable() }).passthrough();

/** A Relay connection from a keyset page whose nodes carry their own cursor. */
export function connectionOf<T extends { cursor: string }>(page: {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}) {
  const connection = connectionFrom(page.nodes, (node) => node.cursor, page);
  return { ...connection, pageInfo: { ...connection.pageInfo, endCursor: page.endCursor } };
}

/** A Relay connection from a page of nodes and the function that makes a node's cursor. */
export function connectionFrom<T>(
  nodes: T[],
  cursorOf: (node: T) => string,
  page: { hasNextPage: boolean; totalCount: number },
) {
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/** Runs a catalog read, turning its cursor and argument errors into InvalidInputError. */
export async function asInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InvalidCursorError)
      throw invalidInput("after", "this cursor was not made by this query");
    if (e instanceof InvalidArgumentError) throw invalidInput(e.argument, e.detail);
    throw e;
  }
}
