// The local admin credential (issue 16 point 1): a server holding an embedded catalog (PGlite
// in a data folder, which one process at a time may open) lets `agentry import` on the same
// machine go through it instead of refusing. At start it makes a random token that exists
// only in its memory and in a file beside its lock, readable by its own user only
// (./local-admin-file.ts); the file goes when the server stops, and the token with the process.
// It is never stored in the database, so there is nothing to revoke after a crash: a stale
// file names a server that no longer answers, and its folder's lock is stale too.
// No Node modules here: the authenticator, which the Worker bundles too, checks the token.
import type { KeyCaller } from "./caller.js";

/** Not `agentry_`: an API key's prefix, which the authenticator looks up in the database. */
export const LOCAL_TOKEN_PREFIX = "agentry-local_";

export interface LocalAdmin {
  token: string;
  caller: KeyCaller;
}

/** A new token (256 random bits) and the caller it stands for: an admin, named for `user`. */
export function newLocalAdmin(user: string): LocalAdmin {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return {
    token: `${LOCAL_TOKEN_PREFIX}${secret}`,
    caller: { kind: "key", id: "local", name: `local admin (${user})`, scopes: ["admin"], source: null },
  };
}

/** Whether `presented` is `expected`, in time that does not depend on where they differ. */
export function sameToken(presented: string, expected: string): boolean {
  if (presented.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= presented.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
