// A field's argument values from the document and the request's variables, for the query
// budget and the input caps, before graphql-js has validated anything. Read by shape, not
// with graphql-js's own helpers (getArgumentValues, isListType…): those check `instanceof`
// against their copy of graphql, and a process can hold two (vitest loads the CommonJS build
// the schema is made with and the ESM one), where they throw "Cannot use GraphQLNonNull from
// another module or realm". Invalid values are passed on as they are: graphql-js refuses them
// after us, and nothing runs.
import { Kind, type ValueNode, type VariableDefinitionNode } from "graphql";

/** The parts of graphql's type objects read here. */
export interface TypeShape {
  ofType?: TypeShape;
  name?: string;
  getFields?: () => Record<string, { type: TypeShape; defaultValue?: unknown }>;
  getValue?: (name: string) => { value: unknown } | undefined;
}

export interface ArgumentShape {
  name: string;
  type: TypeShape;
  defaultValue?: unknown;
}

const tag = (t: unknown) => Object.prototype.toString.call(t);
export const isNonNull = (t: TypeShape) => tag(t) === "[object GraphQLNonNull]";
export const isList = (t: TypeShape) => tag(t) === "[object GraphQLList]";
export const isInputObject = (t: TypeShape) => tag(t) === "[object GraphQLInputObjectType]";
export const isEnum = (t: TypeShape) => tag(t) === "[object GraphQLEnumType]";

export function nullable(t: TypeShape): TypeShape {
  return isNonNull(t) ? t.ofType! : t;
}

export function named(t: TypeShape): TypeShape {
  let n = t;
  while (n.ofType) n = n.ofType;
  return n;
}

/** The operation's variables: the request's values, else the declared defaults. */
export function variableValues(
  definitions: readonly VariableDefinitionNode[],
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const d of definitions) {
    const name = d.variable.name.value;
    if (raw[name] !== undefined) values[name] = raw[name];
    else if (d.defaultValue) values[name] = literal(d.defaultValue, null, {});
  }
  return values;
}

/** A field's arguments as its resolver would get them (defaults included). */
export function argumentValues(
  args: readonly ArgumentShape[],
  nodes: readonly { name: { value: string }; value: ValueNode }[],
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const arg of args) {
    const node = nodes.find((n) => n.name.value === arg.name);
    const value = node ? literal(node.value, arg.type, variables) : undefined;
    if (value !== undefined) values[arg.name] = listed(value, arg.type);
    else if (arg.defaultValue !== undefined) values[arg.name] = arg.defaultValue;
  }
  return values;
}

/** A value given for a list type without brackets is a list of one (input coercion). */
function listed(value: unknown, type: TypeShape | null): unknown {
  if (!type || value === null) return value;
  const t = nullable(type);
  if (!isList(t)) return value;
  return (Array.isArray(value) ? value : [value]).map((v) => listed(v, t.ofType!));
}

function literal(node: ValueNode, type: TypeShape | null, variables: Record<string, unknown>): unknown {
  const t = type ? nullable(type) : null;
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.NULL:
      return null;
    case Kind.INT:
      return Number.parseInt(node.value, 10);
    case Kind.FLOAT:
      return Number.parseFloat(node.value);
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.ENUM:
      return t && isEnum(t) ? (t.getValue?.(node.value)?.value ?? node.value) : node.value;
    case Kind.LIST: {
      const item = t && isList(t) ? t.ofType! : null;
      return node.values.map((v) => literal(v, item, variables));
    }
    case Kind.OBJECT: {
      const fields = t && isInputObject(t) ? t.getFields!() : {};
      return Object.fromEntries(
        node.fields.map((f) => [
          f.name.value,
          literal(f.value, fields[f.name.value]?.type ?? null, variables),
        ]),
      );
    }
  }
}
