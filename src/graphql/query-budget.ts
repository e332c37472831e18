// What an operation would cost, measured on its document before any work: depth, aliases,
// fields, fragment spreads, directives and cost, in one pass. Each fragment is measured once
// and its tally reused at every spread, so the pass is linear in the document's size even
// when the expanded operation is exponential: 24 levels of `fragment C0 { ...C1 ...C1 }` (1.3
// KB) expand to 2^24 fields, which graphql-jit compiled for 18–21 s and Pothos' own
// complexity rule walks without memoization. Counts add up through every spread, so the
// tally is of the operation as executed, fragments expanded.
//
// Costs are the Pothos `complexity` annotations of the fields (extensions.complexity, set by
// @pothos/plugin-complexity, whose run-time check is disabled: this replaces it): a field
// costs `field` plus `multiplier` times its selection. Numbers are calibrated in
// docs/decisions/0014-query-budget.md.
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import {
  type ArgumentShape,
  argumentValues,
  isList,
  named,
  nullable,
  type TypeShape,
} from "./argument-values.js";

export interface Tally {
  /** Nesting of fields (a fragment or inline fragment adds none). */
  depth: number;
  /** Fields with an alias, `__typename` included, counted at every spread. */
  aliases: number;
  /** Field selections, counted at every spread. */
  fields: number;
  /** Fragment spreads, counted at every spread of the fragment holding them. */
  spreads: number;
  directives: number;
  cost: number;
}

type Complexity =
  | number
  | { field?: number; multiplier?: number }
  | ((
      args: Record<string, unknown>,
      ctx: unknown,
      field: unknown,
    ) => number | { field?: number; multiplier?: number });

/** Saturates instead of growing without bound (an exponential tally is still refused). */
const cap = (n: number) =>
  Number.isFinite(n) ? Math.min(n, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;

/** `__schema`: about 100 KB of answer, 2,000 units at 50 bytes each. */
const INTROSPECTION_COST = 2_000;

const ZERO: Tally = { depth: 0, aliases: 0, fields: 0, spreads: 0, directives: 0, cost: 0 };

/** Visits each field of the operation with its schema definition and argument values. */
export type FieldVisitor = (
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  args: Record<string, unknown>,
) => void;

/** The operation a request runs: by name, or the only one. */
export function selectOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

/**
 * The tally of one operation. `variables` are the request's variable values (with their
 * declared defaults, see argument-values.ts).
 * `visit` sees each field node once (a fragment's fields once, however often it is spread).
 */
export function measure(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  visit?: FieldVisitor,
): Tally {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // A fragment's tally once measured; `null` while it is being measured (a cycle, which
  // graphql's NoFragmentCycles rule refuses after us: it counts as nothing here).
  const memo = new Map<string, Tally | null>();

  function fragmentTally(name: string): Tally {
    const known = memo.get(name);
    if (known) return known;
    if (known === null) return ZERO;
    const fragment = fragments.get(name);
    if (!fragment) return ZERO;
    memo.set(name, null);
    const type = schema.getType(fragment.typeCondition.name.value);
    const tally = type ? selectionTally(type, fragment.selectionSet) : ZERO;
    const withDirectives = {
      ...tally,
      directives: cap(tally.directives + (fragment.directives?.length ?? 0)),
    };
    memo.set(name, withDirectives);
    return withDirectives;
  }

  function selectionTally(parent: GraphQLNamedType, set: SelectionSetNode): Tally {
    const t: Tally = { ...ZERO };
    const add = (o: Tally) => {
      t.depth = Math.max(t.depth, o.depth);
      t.aliases = cap(t.aliases + o.aliases);
      t.fields = cap(t.fields + o.fields);
      t.spreads = cap(t.spreads + o.spreads);
      t.directives = cap(t.directives + o.directives);
      t.cost = cap(t.cost + o.cost);
    };
    for (const s of set.selections) {
      const directives = s.directives?.length ?? 0;
      if (s.kind === Kind.FIELD) add(fieldTally(parent, s));
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        if (type) add(selectionTally(type, s.selectionSet));
        t.directives = cap(t.directives + directives);
      } else {
        const f = fragmentTally(s.name.value);
        add({ ...f, spreads: cap(f.spreads + 1), directives: cap(f.directives + directives) });
      }
    }
    return t;
  }

  function fieldTally(parent: GraphQLNamedType, node: FieldNode): Tally {
    const own: Tally = {
      ...ZERO,
      depth: 1,
      fields: 1,
      aliases: node.alias ? 1 : 0,
      directives: node.directives?.length ?? 0,
    };
    const name = node.name.value;
    if (name === "__typename") return own;
    // Introspection reads the schema in memory: its nesting (TypeRef's nine `ofType`s) and
    // lists are bounded by graphql's MaxIntrospectionDepth rule, its size by the schema's
    // (the full introspection query answers about 100 KB). It counts as one level and a
    // fixed cost; its fields and aliases count like any.
    if (name === "__schema" || name === "__type") {
      const type = schema.getType(name === "__schema" ? "__Schema" : "__Type");
      const below = node.selectionSet && type ? selectionTally(type, node.selectionSet) : ZERO;
      return {
        ...below,
        depth: 1,
        aliases: cap(own.aliases + below.aliases),
        fields: cap(1 + below.fields),
        directives: cap(own.directives + below.directives),
        cost: name === "__schema" ? INTROSPECTION_COST : INTROSPECTION_COST / 10,
      };
    }
    const def = fieldDefinition(parent, name);
    if (!def) return own; // graphql's FieldsOnCorrectType refuses it after us
    const args = argumentValues(def.args as unknown as ArgumentShape[], node.arguments ?? [], variables);
    visit?.(def, node, args);
    const { field, multiplier } = costOf(def, args);
    const below = node.selectionSet
      ? selectionTally(
          named(def.type as unknown as TypeShape) as unknown as GraphQLNamedType,
          node.selectionSet,
        )
      : { ...ZERO, depth: 0 };
    return {
      depth: 1 + below.depth,
      aliases: cap(own.aliases + below.aliases),
      fields: cap(1 + below.fields),
      spreads: below.spreads,
      directives: cap(own.directives + below.directives),
      cost: cap(field + multiplier * below.cost),
    };
  }

  return selectionTally(rootType(schema, operation) ?? schema.getQueryType()!, operation.selectionSet);
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLNamedType | null {
  if (operation.operation === "query") return schema.getQueryType() ?? null;
  if (operation.operation === "mutation") return schema.getMutationType() ?? null;
  return schema.getSubscriptionType() ?? null;
}

function fieldDefinition(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  const fields = (parent as { getFields?: () => Record<string, GraphQLField<unknown, unknown>> }).getFields;
  return typeof fields === "function" ? fields.call(parent)[name] : undefined;
}

/** A field's own cost and its selection's multiplier: its annotation, else 1 (a list: ×10). */
function costOf(
  def: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): { field: number; multiplier: number } {
  const fallback = { field: 1, multiplier: isList(nullable(def.type as unknown as TypeShape)) ? 10 : 1 };
  const annotation = (def.extensions as { complexity?: Complexity } | undefined)?.complexity;
  if (annotation === undefined || annotation === null) return fallback;
  let value: number | { field?: number; multiplier?: number };
  if (typeof annotation === "function") {
    try {
      value = annotation(args, {}, def);
    } catch {
      return fallback; // arguments it cannot read: the operation's variables were refused
    }
  } else value = annotation;
  const field: unknown = typeof value === "number" ? value : (value.field ?? 1);
  const multiplier: unknown = typeof value === "number" ? 1 : (value.multiplier ?? 1);
  // Not a finite number: an argument of the wrong type (`first: "many"` in a variable), which
  // graphql-js refuses before anything runs, so only the shape matters; its own words are the
  // answer (it was "complexity 9007199254740991").
  if (!(typeof field === "number" && Number.isFinite(field))) return fallback;
  if (!(typeof multiplier === "number" && Number.isFinite(multiplier))) return fallback;
  return { field: Math.max(0, field), multiplier: Math.max(0, multiplier) };
}
