// Who is calling (issue 16 points 2 and 3): nobody (`anonymous`, whose scopes the server's
// read-access setting gives), an API key (./api-keys.ts) or a JWT of the team's identity
// provider (./jwt.ts); ./authenticate.ts makes one from a request. Every check of what a
// caller may do goes through `can`, so the rules live in one place:
//
// - `admin` implies every scope;
// - `publish:<s>` implies `read:<s>`;
// - `read` is the public sources only: it implies no `read:<s>` (a private source needs its
//   own scope), and `read:<s>` or `publish:<s>` do not imply `read` (a key made for one source
//   reads that source; whether it also reads the public ones is the anonymous policy's call,
//   which the server adds);
// - a key limited to one source (`source`) holds nothing outside it, whatever its scopes say
//   (createKey already refuses such scopes; this is the second lock).
import { EVERY_SOURCE, type SourceView } from "../catalog/reads/visibility.js";
import { type Scope, scopeSource } from "./scopes.js";

export type Caller =
  | { kind: "anonymous"; scopes: readonly Scope[] }
  | { kind: "key"; id: string; name: string; scopes: readonly Scope[]; source: string | null }
  /** `issuer` is the configured one (AGENTRY_JWT_ISSUER); `subject` is unique only within it. */
  | { kind: "jwt"; issuer: string; subject: string; scopes: readonly Scope[] };

export type KeyCaller = Extract<Caller, { kind: "key" }>;
export type JwtCaller = Extract<Caller, { kind: "jwt" }>;

export const ANONYMOUS_PUBLIC: Caller = { kind: "anonymous", scopes: ["read"] };
export const ANONYMOUS_NONE: Caller = { kind: "anonymous", scopes: [] };

/** Whether the caller holds `scope`, directly or by implication. */
export function can(caller: Caller, scope: Scope): boolean {
  const limit = caller.kind === "key" ? caller.source : null;
  if (limit !== null && scopeSource(scope) !== limit) return false;
  const held = caller.scopes;
  if (held.includes("admin")) return true;
  if (held.includes(scope)) return true;
  if (scope.startsWith("read:")) return held.includes(`publish:${scope.slice(5)}`);
  return false;
}

/** Whether the caller may read `source`: its own scope, or `read` when the source is public. */
export function canReadSource(caller: Caller, source: string, visibility: "public" | "private"): boolean {
  return can(caller, `read:${source}`) || (visibility === "public" && can(caller, "read"));
}

/**
 * The sources a caller's reads show (src/catalog/reads/visibility.ts): every one for `admin`;
 * otherwise the public ones when it holds `read`, and each source its scopes name that `can`
 * lets it read (`read:<s>`, or `publish:<s>` which implies it).
 */
export function viewOf(caller: Caller): SourceView {
  if (can(caller, "admin")) return EVERY_SOURCE;
  const names: string[] = [];
  for (const scope of caller.scopes) {
    const source = scopeSource(scope);
    if (source !== null && can(caller, `read:${source}`) && !names.includes(source)) names.push(source);
  }
  return { all: false, public: can(caller, "read"), names: names.sort() };
}
