// The agents a search text names exactly: by name (`release-captain`), by ref
// (`acme-platform/release-captain`), or by a name as its file declares it when that is not
// kebab-case (`dotnet-framework-4.8-expert`, stored as `dotnet-framework-4-8-expert`; the
// catalog's names are the kebab-case forms, see definitions/names.ts). Full-text search alone
// cannot promise this: the text parser splits `4.8` and `4-8` differently, and ranks a body that
// mentions a name often above the agent of that name.
import { type SQL, sql } from "drizzle-orm";
import { toKebab } from "../../definitions/names.js";
import { parseRef } from "./agents.js";

/** The name a text could be (in kebab-case), or the source and name of the ref it could be. */
function candidates(text: string): { names: string[]; refs: { source: string; name: string }[] } {
  const trimmed = text.trim();
  // Web-search syntax (a quoted phrase, `-excluded`, `or`) is a query, not a name:
  // `kubernetes -operator` must not find `kubernetes-operator`.
  const words = trimmed.split(/\s+/);
  if (trimmed.includes('"') || words.some((w) => w.startsWith("-") || w.toLowerCase() === "or"))
    return { names: [], refs: [] };
  const ref = /^\S+\/\S+$/.test(trimmed) ? parseRef(trimmed) : null;
  if (ref) return { names: [], refs: [{ source: ref.source, name: toKebab(ref.name) }] };
  const name = toKebab(trimmed);
  return { names: name ? [name] : [], refs: [] };
}

/**
 * A bigint[] expression: the ids of the live agents the text names exactly (an index probe
 * per candidate on `agents (name)` or `agents (source_id, name)`).
 */
export function exactlyNamed(text: string): SQL {
  const { names, refs } = candidates(text);
  const byName = names.map((n) => sql`e.name = ${n}`);
  const byRef = refs.map(
    (r) => sql`(e.name = ${r.name} and e.source_id = (select id from sources where name = ${r.source}))`,
  );
  const any = [...byName, ...byRef];
  if (any.length === 0) return sql`'{}'::bigint[]`;
  return sql`array(select e.id from agents e where e.deleted_at is null and (${sql.join(any, sql` or `)}))`;
}
