// Contract tags (Apollo's contracts, Hive's schema contracts): every type of ours carries
// `@tag(name: "public")`, and the fields a public contract leaves out carry
// `@tag(name: "internal")` (their own option, where they are defined: Agent.markdown,
// .sections, .diagnostics). The public contract is `include: ["public"], exclude:
// ["internal"]`: another subgraph's types, which do not carry our tag, are not in it unless that
// team tags them (docs/decisions/0020). Set here for every type rather than in each file, so that
// a new type is in the contract by default and a field leaves it only when someone says so.
import { BasePlugin, type PothosTypeConfig, type SchemaTypes } from "@pothos/core";

export const PUBLIC_TAG = "public";
export const INTERNAL_TAG = "internal";

export class ContractTagsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onTypeConfig(typeConfig: PothosTypeConfig): PothosTypeConfig {
    // Federation's own types (`_Service`, `_Entity`, `_Any`) are not part of any API.
    if (typeConfig.name.startsWith("_")) return typeConfig;
    const options = typeConfig.pothosOptions as { tag?: string | string[] };
    const tags = options.tag === undefined ? [] : Array.isArray(options.tag) ? options.tag : [options.tag];
    if (tags.includes(PUBLIC_TAG)) return typeConfig;
    return {
      ...typeConfig,
      pothosOptions: { ...typeConfig.pothosOptions, tag: [...tags, PUBLIC_TAG] },
    } as PothosTypeConfig;
  }
}
