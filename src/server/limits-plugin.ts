// The limits every request is held to before any work is done on it (numbers in
// ../graphql/limits.ts). One Yoga plugin, used by the Node server and the Worker alike, in
// the order the work would happen:
// 1. the query text's length, before it is parsed: Yoga's parser cache keeps each distinct
//    text it parsed (an LRU of 1,024 entries), and a 10 MB whitespace-padded query kept
//    10.6 MB each; with this cap an entry holds at most maxQueryChars;
// 2. tokens, counted by the parser, which stops at the limit;
// 3. the operation's depth, aliases, fields, spreads, directives, cost and string arguments
//    (../graphql/query-budget.ts, one pass, fragments memoized), in onValidate before
//    graphql-js's own rules and long before graphql-jit compiles anything in onExecute.
// A refusal is thrown as a GraphQL error with HTTP 400, never cached as a validation result:
// the cost depends on the variables, which the validation cache does not key on.
import { type DocumentNode, GraphQLError, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ArgumentShape } from "../graphql/argument-values.js";
import { variableValues } from "../graphql/argument-values.js";
import { argumentIssues, type InputIssue } from "../graphql/input-caps.js";
import { LIMITS } from "../graphql/limits.js";
import { measure, selectOperation, type Tally } from "../graphql/query-budget.js";

// `complexity` is the cost's name in refusals, as the Pothos complexity plugin named it.
const CHECKS: { key: keyof Tally; limit: string; max: number }[] = [
  { key: "depth", limit: "depth", max: LIMITS.maxDepth },
  { key: "aliases", limit: "aliases", max: LIMITS.maxAliases },
  { key: "fields", limit: "fields", max: LIMITS.maxFields },
  { key: "spreads", limit: "spreads", max: LIMITS.maxSpreads },
  { key: "directives", limit: "directives", max: LIMITS.maxDirectives },
  { key: "cost", limit: "complexity", max: LIMITS.maxCost },
];

function tooComplex(limit: string, max: number, asked: number | null, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "QUERY_TOO_COMPLEX",
      limit,
      max,
      ...(asked === null ? {} : { asked }),
      http: { status: 400 },
    },
  });
}

function badInput(field: string, issues: InputIssue[]): GraphQLError {
  return new GraphQLError(issues.map((i) => `${field}(${i.path}): ${i.message}`).join("; "), {
    extensions: { code: "BAD_USER_INPUT", field, issues, http: { status: 400 } },
  });
}

/**
 * The request limits, as errors thrown before parsing, at parsing and before validation; the
 * operation's tally when it passes (the rate limit charges its cost: ./rate-limit.ts).
 */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): Tally | null {
  const operation = selectOperation(document, operationName);
  if (!operation) return null; // graphql-js refuses it (no such operation, or several unnamed)
  // graphql-js answered "Schema is not configured to execute mutation operation." as HTTP 200
  // without a code.
  if (!schema.getRootType(operation.operation))
    throw new GraphQLError(`this API has no ${operation.operation} operations, only queries and mutations`, {
      nodes: operation,
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
    });
  const variables = variableValues(operation.variableDefinitions ?? [], rawVariables ?? {});
  let input: GraphQLError | null = null;
  const tally = measure(schema, document, operation, variables, (field, node, args) => {
    if (input) return;
    const issues = argumentIssues(field.args as unknown as ArgumentShape[], args);
    if (issues.length) input = badInput(node.alias?.value ?? node.name.value, issues);
  });
  for (const { key, limit, max } of CHECKS) {
    const asked = tally[key];
    if (asked > max)
      throw tooComplex(limit, max, asked, `query ${limit} ${asked} exceeds the limit of ${max}`);
  }
  if (input) throw input;
  return tally;
}

export interface LimitsPluginOptions {
  /** The cost of each operation that passed, with its request (the rate limit charges it). */
  onCost?: (request: Request, cost: number) => void;
}

export function limitsPlugin(options: LimitsPluginOptions = {}): Plugin {
  return {
    onParams({ params }) {
      const length = typeof params.query === "string" ? params.query.length : 0;
      if (length > LIMITS.maxQueryChars)
        throw tooComplex(
          "length",
          LIMITS.maxQueryChars,
          length,
          `query of ${length} characters exceeds the limit of ${LIMITS.maxQueryChars}`,
        );
    },
    onParse({ parseFn, setParseFn }) {
      // Yoga's own parse, with a token limit: its syntax errors stay the ones Yoga answers 400
      // to (a parse of another copy of graphql made errors it did not recognise: HTTP 500).
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxTokens: LIMITS.maxTokens });
        } catch (e) {
          // graphql 16 words it "Document contains more that 5000 tokens".
          if (e instanceof Error && /Document contains more \w+ \d+ tokens/.test(e.message))
            throw tooComplex(
              "tokens",
              LIMITS.maxTokens,
              null,
              `query has more than ${LIMITS.maxTokens} tokens, the limit`,
            );
          throw e;
        }
      });
    },
    onValidate({ params, context }) {
      const request = (context as { params?: { operationName?: string | null; variables?: unknown } }).params;
      const tally = checkOperation(
        params.schema,
        params.documentAST,
        request?.operationName,
        (request?.variables ?? null) as Record<string, unknown> | null,
      );
      const http = (context as { request?: Request }).request;
      if (tally && http) options.onCost?.(http, tally.cost);
    },
  };
}

export function limitsPlugins(options: LimitsPluginOptions = {}): Plugin[] {
  return [limitsPlugin(options)];
}
