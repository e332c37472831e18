// What a field's selection asks for further down, read from the query document before the
// field resolves, so that one statement can fetch what the next level will want (see the
// collaborators loader). Follows inline fragments and named fragments; ignores directives
// (a skipped field is at worst fetched for nothing).
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/** The names of the fields selected directly in a selection set, through fragments. */
function fieldsOf(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  out: Map<string, SelectionSetNode[]>,
) {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const list = out.get(selection.name.value) ?? [];
      if (selection.selectionSet) list.push(selection.selectionSet);
      out.set(selection.name.value, list);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsOf(selection.selectionSet, info, out);
    } else {
      fieldsOf(info.fragments[selection.name.value]?.selectionSet, info, out);
    }
  }
  return out;
}

/**
 * Whether, below the resolving field, any of `path[0]` selects any of `path[1]`, and so on:
 * `selects(info, ["to", "from"], ["tools", "skills"])`.
 */
export function selects(info: GraphQLResolveInfo, ...path: string[][]): boolean {
  let sets = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const names of path) {
    const next: SelectionSetNode[] = [];
    let found = false;
    for (const set of sets) {
      const fields = fieldsOf(set, info, new Map());
      for (const name of names) {
        if (!fields.has(name)) continue;
        found = true;
        next.push(...fields.get(name)!);
      }
    }
    if (!found) return false;
    sets = next;
  }
  return true;
}
