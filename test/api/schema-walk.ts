// Walks the built schema from a type and yields, for every field of every type reachable from
// it, a selection that asks for that field alone (with its required arguments and the least
// subselection), nested in the path that reaches its type. The cost test runs each one; a field
// added later is walked without anyone listing it.
import {
  buildClientSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";
import type { Database } from "../../src/catalog/database.js";
import { gql, testApp } from "../support/app.js";

/**
 * The served schema as a client sees it: introspected through the app (introspection reads no
 * table, hence no database), and rebuilt with this module's graphql (the app's may be the
 * other build of the package, CommonJS or ESM, whose types this one does not recognize).
 */
export async function servedSchema(): Promise<GraphQLSchema> {
  const app = testApp({ db: null } as unknown as Database);
  const r = await gql<IntrospectionQuery>(app, getIntrospectionQuery());
  if (r.body.errors || !r.body.data) throw new Error(`introspection failed: ${JSON.stringify(r.body)}`);
  return buildClientSchema(r.body.data);
}

export interface FieldCase {
  /** `Type.field`, e.g. `Agent.markdown` or `RevisionDiff.toolsAdded`. */
  name: string;
  /** The selection, relative to the start type, e.g. `diff { ... on AgentRevisionDiff { name { __typename } } }`. */
  selection: string;
}

/** A literal for a required argument: the simplest value its type accepts. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(", ")} }`;
  }
  if (isScalarType(type)) {
    if (type.name === "Int" || type.name === "Float") return "1";
    if (type.name === "Boolean") return "false";
    return '"x"';
  }
  throw new Error(`no literal for ${String(type)}`);
}

function call(field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  if (required.length === 0) return field.name;
  return `${field.name}(${required.map((a) => `${a.name}: ${literal(a.type)}`).join(", ")})`;
}

function objectTypesOf(schema: GraphQLSchema, type: GraphQLNamedType): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isAbstractType(type)) return schema.getPossibleTypes(type);
  return [];
}

/** Every field of `start` and of every object type reachable from it, breadth first. */
export function walkFields(schema: GraphQLSchema, start: string): FieldCase[] {
  const root = schema.getType(start);
  if (!isObjectType(root)) throw new Error(`${start} is not an object type`);
  const cases: FieldCase[] = [];
  const seen = new Set<string>([root.name]);
  const queue: { type: GraphQLObjectType; wrap: (inner: string) => string }[] = [
    { type: root, wrap: (inner) => inner },
  ];
  while (queue.length > 0) {
    const { type, wrap } = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith("__")) continue;
      const named = getNamedType(field.type);
      const head = call(field);
      cases.push({
        name: `${type.name}.${field.name}`,
        selection: wrap(isCompositeType(named) ? `${head} { __typename }` : head),
      });
      for (const next of objectTypesOf(schema, named)) {
        if (seen.has(next.name)) continue;
        seen.add(next.name);
        queue.push({ type: next, wrap: (inner) => wrap(`${head} { ... on ${next.name} { ${inner} } }`) });
      }
    }
  }
  return cases;
}
