// Node only: queries compiled to JavaScript by graphql-jit, once per operation, instead of
// interpreted field by field. On an agentGraph of 500 nodes and 1,700 edges the interpreter's
// per-field work was most of the request. Not in the Worker: workerd refuses code generated at
// run time (`new Function`), so the Worker keeps Yoga's executor.
//
// Our own plugin rather than @envelop/graphql-jit: that one caches the compiled query per
// document, so `query A {…} query B {…}` asked for A answered whichever was compiled first.
// Here the cache is per document and operation name, and only what graphql-jit compiles the way
// graphql-js executes it goes to graphql-jit: a single query operation. Anything else (a
// mutation or subscription this schema has no root type for, a document with several
// operations and no operation name, an unknown operation name) goes to Yoga's own executor,
// so its answer is the standard one the Worker gives.
import { type DocumentNode, type ExecutionArgs, getOperationAST } from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Plugin } from "graphql-yoga";

type Compiled = Pick<CompiledQuery, "query" | "stringify">;

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
      if (operation?.operation === "query") {
        const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
        if (isCompiledQuery(result)) entry = result;
      }
      byOperation.set(name, entry);
    }
    return entry;
  }

  return {
    onExecute({ args, setExecuteFn }) {
      const entry = compiledFor(args);
      if (!entry) return;
      setExecuteFn(async (a) => {
        const result = await entry.query(a.rootValue, a.contextValue, a.variableValues);
        // The compiled serializer: much faster than JSON.stringify on large graphs.
        return Object.assign(result, { stringify: entry.stringify });
      });
    },
  };
}
