// Contract tags (Apollo's contracts, Hive's schema contracts): every field of ours, and every
// enum, union, scalar and input type, carries `@tag(name: "public")`; the fields a public
// contract leaves out carry `@tag(name: "internal")` instead (their own option, where they are
// defined: Agent.markdown, .sections, .diagnostics). The public contract is
// `include: ["public"], exclude: ["internal"]` (docs/decisions/0020).
//
// Fields (and their arguments) rather than object types: a type-level tag covers the fields other subgraphs add to
// the same type (`Agent.owner`, `Query.team`), and a contract that keeps such a field but not
// its type (`Team`) does not compose ("Type Team is @inaccessible but is referenced by
// Agent.owner"): test/federation/contract-with-others.test.ts. Set here for everything rather
// than in each file, so that a new field is in the public contract unless someone says not.
import {
  BasePlugin,
  type PothosInputFieldConfig,
  type PothosOutputFieldConfig,
  type PothosTypeConfig,
  type SchemaTypes,
} from "@pothos/core";

export const PUBLIC_TAG = "public";
export const INTERNAL_TAG = "internal";

/** Kinds of type whose every part is ours: tagged as a whole. */
const WHOLE_TYPE_KINDS = new Set(["Enum", "Union", "Scalar", "InputObject"]);

function tagsOf(options: { tag?: string | string[] }): string[] {
  return options.tag === undefined ? [] : Array.isArray(options.tag) ? options.tag : [options.tag];
}

export class ContractTagsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onTypeConfig(typeConfig: PothosTypeConfig): PothosTypeConfig {
    // Federation's own types (`_Service`, `_Entity`, `_Any`) are not part of any API.
    if (typeConfig.name.startsWith("_") || !WHOLE_TYPE_KINDS.has(typeConfig.kind)) return typeConfig;
    const tags = tagsOf(typeConfig.pothosOptions as { tag?: string | string[] });
    if (tags.length > 0) return typeConfig;
    return {
      ...typeConfig,
      pothosOptions: { ...typeConfig.pothosOptions, tag: [PUBLIC_TAG] },
    } as PothosTypeConfig;
  }

  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> | null {
    if (fieldConfig.name.startsWith("_")) return fieldConfig;
    const tags = tagsOf(fieldConfig.pothosOptions as { tag?: string | string[] });
    if (tags.length > 0) return fieldConfig;
    return {
      ...fieldConfig,
      pothosOptions: { ...fieldConfig.pothosOptions, tag: [PUBLIC_TAG] },
    } as PothosOutputFieldConfig<Types>;
  }

  /** Arguments too: a contract refuses a field it keeps whose required argument it drops. */
  override onInputFieldConfig(fieldConfig: PothosInputFieldConfig<Types>): PothosInputFieldConfig<Types> {
    if (fieldConfig.kind !== "Arg" || fieldConfig.name.startsWith("_")) return fieldConfig;
    const tags = tagsOf(fieldConfig.pothosOptions as { tag?: string | string[] });
    if (tags.length > 0) return fieldConfig;
    return {
      ...fieldConfig,
      pothosOptions: { ...fieldConfig.pothosOptions, tag: [PUBLIC_TAG] },
    } as PothosInputFieldConfig<Types>;
  }
}
