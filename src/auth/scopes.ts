// What a credential may be allowed (issue 16 point 3): `read` (the public sources), `read:<source>`,
// `publish:<source>` and `admin`. Parsed with zod so that a bad scope is refused where it enters
// (the CLI, later a mutation or a JWT claim), with a message that says what is accepted.
import { z } from "zod";

/** A source name as `agentry import --source` accepts it. */
export const SOURCE_NAME = /^[A-Za-z0-9][\w.-]*$/;

export type Scope = "read" | "admin" | `read:${string}` | `publish:${string}`;

const sourceName = z.string().max(200).regex(SOURCE_NAME);

export const scopeSchema = z.custom<Scope>((value) => {
  if (typeof value !== "string") return false;
  if (value === "read" || value === "admin") return true;
  const m = /^(read|publish):(.*)$/.exec(value);
  return m !== null && sourceName.safeParse(m[2]).success;
}, "a scope is read, admin, read:<source> or publish:<source>");

export const scopesSchema = z.array(scopeSchema).min(1, "at least one scope");

export class ScopeError extends Error {}

/** The source a scope names (`read:x`, `publish:x`), or null for `read` and `admin`. */
export function scopeSource(scope: Scope): string | null {
  const i = scope.indexOf(":");
  return i < 0 ? null : scope.slice(i + 1);
}

/**
 * Checks the scopes of a key about to be made, deduplicated in the order given. With `source`,
 * the key is limited to that source: bare `read` and `publish` mean `read:<source>` and
 * `publish:<source>`, a scope naming another source is refused, and so is `admin` (a limited
 * admin is a contradiction). `flag` names the option in messages.
 */
export function parseScopes(values: readonly string[], source: string | null, flag = "--scope"): Scope[] {
  if (source !== null && !sourceName.safeParse(source).success)
    throw new ScopeError(`--source "${source}": use letters, digits, dots, dashes and underscores`);
  if (values.length === 0) {
    if (source !== null) return [`read:${source}`];
    throw new ScopeError(`${flag} is required: read, admin, read:<source> or publish:<source>`);
  }
  const out: Scope[] = [];
  for (const raw of values) {
    const value = source !== null && (raw === "read" || raw === "publish") ? `${raw}:${source}` : raw;
    const parsed = scopeSchema.safeParse(value);
    if (!parsed.success)
      throw new ScopeError(
        `${flag} "${printable(raw)}": a scope is read, admin, read:<source> or publish:<source>`,
      );
    const scope = parsed.data;
    if (source !== null) {
      if (scope === "admin")
        throw new ScopeError(`${flag} admin cannot be given to a key limited to one source (--source)`);
      if (scopeSource(scope) !== source)
        throw new ScopeError(`${flag} "${printable(raw)}" names another source than --source "${source}"`);
    }
    if (!out.includes(scope)) out.push(scope);
  }
  return out;
}

/** A value quoted in a message: short, without control characters. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}
