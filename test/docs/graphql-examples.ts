// The GraphQL examples we show users (README.md's ```graphql blocks, GraphiQL's example
// operations), and the checks each must pass: it parses, every operation validates against the
// printed schema, and a block is pasteable as a whole (named operations, or a single anonymous
// one). A block of type definitions (another subgraph's extension of ours) is checked against
// our schema's types and fields instead.
import {
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
} from "graphql";

export interface Example {
  /** Where it is written: `README.md:47`, `src/server/example-operations.ts`. */
  where: string;
  text: string;
}

/** Every ```graphql block of a Markdown text, with the line its text starts on. */
export function graphqlBlocks(markdown: string, file: string): Example[] {
  const blocks: Example[] = [];
  for (const m of markdown.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, m.index).split("\n").length + 1;
    blocks.push({ where: `${file}:${line}`, text: m[1]! });
  }
  return blocks;
}

const executable = (d: DefinitionNode) =>
  d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION;

export type Checked =
  | { kind: "operations"; document: DocumentNode; operations: string[]; problems: string[] }
  | { kind: "types"; problems: string[] };

/** What is wrong with an example (nothing: `problems` is empty). */
export function check(example: Example, schema: GraphQLSchema): Checked {
  let document: DocumentNode;
  try {
    document = parse(example.text);
  } catch (e) {
    return {
      kind: "operations",
      document: { kind: Kind.DOCUMENT, definitions: [] },
      operations: [],
      problems: [String(e)],
    };
  }
  const defs = document.definitions;
  if (defs.every((d) => !executable(d))) return { kind: "types", problems: typeProblems(document, schema) };
  if (!defs.every(executable))
    return {
      kind: "operations",
      document,
      operations: [],
      problems: ["mixes operations and type definitions"],
    };
  const operations = defs.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? ""] : []));
  // Validation says it too (LoneAnonymousOperation), but not which example.
  const problems = validate(schema, document).map((e) => {
    const at = e.locations?.[0];
    return `${at ? `line ${at.line}: ` : ""}${e.message}`;
  });
  if (operations.length === 0) problems.push("holds no operation");
  return { kind: "operations", document, operations, problems };
}

/**
 * For type definitions (`type Agent @key(fields: "ref") { … }` in another subgraph): each type
 * that has a `@key` must be one of ours, and its key fields ours too.
 */
function typeProblems(document: DocumentNode, schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of def.directives ?? []) {
      if (directive.name.value !== "key") continue;
      const arg = directive.arguments?.find((a) => a.name.value === "fields");
      const fields = arg?.value.kind === Kind.STRING ? arg.value.value.split(/\s+/).filter(Boolean) : [];
      const ours = schema.getType(def.name.value);
      if (!ours || !isObjectType(ours)) {
        problems.push(`@key on ${def.name.value}, which is not a type of this API`);
        continue;
      }
      for (const f of fields) {
        const field = ours.getFields()[f];
        if (!field) problems.push(`@key field ${def.name.value}.${f} is not a field of this API`);
        else if (isObjectType(getNamedType(field.type)))
          problems.push(`@key field ${def.name.value}.${f} is not a leaf`);
      }
    }
  }
  return problems;
}

/**
 * What an operation's answer lacks, where an example shows data: a root field that is null or
 * an Error member, a connection with no nodes, an empty list right under a root field.
 */
export function missingData(data: Record<string, unknown> | null | undefined): string[] {
  if (!data) return ["no data"];
  const missing: string[] = [];
  for (const [root, value] of Object.entries(data)) {
    if (value === null || value === undefined) {
      missing.push(`${root} is null`);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) missing.push(`${root} is empty`);
      continue;
    }
    if (typeof value !== "object") continue;
    const fields = value as Record<string, unknown>;
    const keys = Object.keys(fields).filter((k) => k !== "__typename");
    if (keys.length === 1 && keys[0] === "message")
      missing.push(`${root} answered an error: ${String(fields.message)}`);
    for (const [key, inner] of Object.entries(fields))
      if (Array.isArray(inner) && inner.length === 0) missing.push(`${root}.${key} is empty`);
  }
  return missing;
}
