// Node only: queries compiled to JavaScript by graphql-jit, once per operation, instead of
// interpreted field by field. On an agentGraph of 500 nodes and 1,700 edges the interpreter's
// per-field work was most of the request. Not in the Worker: workerd refuses code generated at
// run time (`new Function`), so the Worker keeps Yoga's executor.
//
// Our own plugin rather than @envelop/graphql-jit: that one caches the compiled query per
// document, so `query A {…} query B {…}` asked for A answered whichever was compiled first.
// Here the cache is per document and operation name, and only what graphql-jit runs the way
// graphql-js does goes to graphql-jit: a query operation with valid variables and no name
// `__proto__`. Anything else (a mutation or subscription this schema has no root type for,
// variables graphql-js would refuse, an alias `__proto__`, which graphql-jit's generated object
// literals turn into a prototype: `{ __proto__: __typename }` answered `{}`) goes to Yoga's own
// executor, so its answer is the standard one the Worker gives.
// test/parity compares the two servers on a list of operations.
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  type Source,
  type SourceLocation,
  visit,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Plugin } from "graphql-yoga";

type Compiled = Pick<CompiledQuery, "query" | "stringify"> & { operation: OperationDefinitionNode };

export function jitPlugin(): Plugin {
  // null: this operation is not for graphql-jit (see above), use the standard executor.
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | null>>();

  function compiledFor(args: ExecutionArgs): Compiled | null {
    let byOperation = compiled.get(args.document);
    if (!byOperation) {
      byOperation = new Map();
      compiled.set(args.document, byOperation);
    }
    const name = args.operationName ?? "";
    let entry = byOperation.get(name);
    if (entry === undefined) {
      const operation = getOperationAST(args.document, args.operationName);
      entry = null;
      if (operation?.operation === "query" && !namesProto(args.document)) {
        const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
        if (isCompiledQuery(result)) entry = { query: result.query, stringify: result.stringify, operation };
      }
      byOperation.set(name, entry);
    }
    return entry;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const entry = compiledFor(args);
      if (!entry) return;
      setExecuteFn(async (a) => {
        // Variables graphql-js would refuse go to it, for its words and its request error (HTTP
        // 400 with application/graphql-response+json): graphql-jit coerces them its own way,
        // with other messages and as a field error.
        const definitions = entry.operation.variableDefinitions;
        if (definitions?.length && getVariableValues(a.schema, definitions, a.variableValues ?? {}).errors)
          return executeFn(a);
        const result = await entry.query(a.rootValue, a.contextValue, a.variableValues);
        positioned(result, a.document.loc?.source);
        // The compiled serializer: much faster than JSON.stringify on large graphs.
        return Object.assign(result, { stringify: entry.stringify });
      });
    },
  };
}

/** Whether a document has `__proto__` anywhere (an alias, a field, an argument's name). */
function namesProto(document: DocumentNode): boolean {
  const body = document.loc?.source.body;
  if (body !== undefined) return body.includes("__proto__");
  let found = false;
  visit(document, {
    Name(node) {
      if (node.value === "__proto__") found = true;
    },
  });
  return found;
}

/**
 * graphql-jit's errors carry `locations` computed at compile time, but no nodes, source or
 * positions; Yoga (and our masking) rebuild errors from those, so the locations were lost:
 * Node's errors had none where the Worker's had them. Rebuilt here as graphql-js builds them.
 */
function positioned(result: ExecutionResult, source: Source | undefined): void {
  if (!result.errors?.length || !source) return;
  result.errors = result.errors.map((error) => {
    const locations = error.locations;
    if (error.nodes || error.positions || !locations?.length) return error;
    return new GraphQLError(error.message, {
      source,
      positions: locations.map((l) => offsetOf(source.body, l)),
      ...(error.path ? { path: error.path } : {}),
      ...(error.originalError ? { originalError: error.originalError } : {}),
      ...(error.extensions ? { extensions: error.extensions } : {}),
    });
  });
}

/** The character offset of a line and column (both from 1), as graphql-js counts lines. */
function offsetOf(body: string, { line, column }: SourceLocation): number {
  const newline = /\r\n|[\n\r]/g;
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const match = newline.exec(body);
    if (!match) break;
    offset = match.index + match[0].length;
  }
  return offset + column - 1;
}
