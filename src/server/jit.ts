// Node only: queries compiled to JavaScript by graphql-jit (through envelop's plugin), once per
// document, instead of interpreted field by field. On an agentGraph of 500 nodes and 1,700
// edges the interpreter's per-field work was most of the request. Not in the Worker: workerd
// refuses code generated at run time (`new Function`), so the Worker keeps Yoga's executor.
import { useGraphQlJit } from "@envelop/graphql-jit";
import type { Plugin } from "graphql-yoga";

export function jitPlugin(): Plugin {
  return useGraphQlJit() as Plugin;
}
