// Every type, field, argument, enum value and input field of the API has a description, for the
// person reading GraphiQL's docs pane (issue #15 point 5). Checked over the printed schemas, as
// clients and gateways get them: schema/schema.graphql, and schema/subgraph.graphql without
// federation's plumbing (the `@link` extension; `_entities`, `_service`, `_Any`, `_Entity` and
// `_Service` are not printed in it). A failure lists every schema coordinate that has none.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type DefinitionNode, Kind, parse, type StringValueNode } from "graphql";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFileSync(resolve(import.meta.dirname, "../..", file), "utf8");

/** Federation's own definitions, which a subgraph SDL may carry and we do not describe. */
const isPlumbing = (name: string) =>
  name.startsWith("_") || name.startsWith("link__") || name.startsWith("federation__");

const described = (d: { description?: StringValueNode | undefined }) => Boolean(d.description?.value.trim());

/** The schema coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) with no description. */
function undescribed(sdl: string): string[] {
  const missing: string[] = [];
  for (const def of parse(sdl).definitions as DefinitionNode[]) {
    switch (def.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_EXTENSION: {
        const type = def.name.value;
        if (isPlumbing(type)) break;
        if ("description" in def && !described(def)) missing.push(type);
        for (const field of def.fields ?? []) {
          if (isPlumbing(field.name.value)) continue;
          const coordinate = `${type}.${field.name.value}`;
          if (!described(field)) missing.push(coordinate);
          for (const arg of field.arguments ?? [])
            if (!described(arg)) missing.push(`${coordinate}(${arg.name.value}:)`);
        }
        break;
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
        const type = def.name.value;
        if (!described(def)) missing.push(type);
        for (const field of def.fields ?? [])
          if (!described(field)) missing.push(`${type}.${field.name.value}`);
        break;
      }
      case Kind.ENUM_TYPE_DEFINITION: {
        const type = def.name.value;
        if (!described(def)) missing.push(type);
        for (const value of def.values ?? [])
          if (!described(value)) missing.push(`${type}.${value.name.value}`);
        break;
      }
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_DEFINITION:
        if (!isPlumbing(def.name.value) && !described(def)) missing.push(def.name.value);
        break;
      case Kind.DIRECTIVE_DEFINITION:
        if (isPlumbing(def.name.value)) break;
        if (!described(def)) missing.push(`@${def.name.value}`);
        for (const arg of def.arguments ?? [])
          if (!described(arg)) missing.push(`@${def.name.value}(${arg.name.value}:)`);
        break;
      default:
        // schema definitions and extensions (`extend schema @link(...)`): nothing to describe
        break;
    }
  }
  return missing;
}

describe("descriptions in the printed schema", () => {
  it("finds what it is meant to find", () => {
    expect(
      undescribed(`
        "Described." type A { "x" x(a: Int, "b" b: Int): Int y: Int }
        type B { "z" z: Int }
        enum E { "one" ONE TWO }
        "I" input I { i: Int }
        union U = A | B
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9")
        scalar _Any
      `),
    ).toEqual(["A.x(a:)", "A.y", "B", "E", "E.TWO", "I.i", "U"]);
  });

  for (const file of ["schema/schema.graphql", "schema/subgraph.graphql"]) {
    it(`${file}: every type, field, argument, enum value and input field is described`, () => {
      const missing = undescribed(read(file));
      expect(missing, `${missing.length} without a description:\n${missing.join("\n")}`).toEqual([]);
    });
  }
});
