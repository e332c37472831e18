// The scope rules of src/auth/caller.ts as a table (issue 16 point 3), and the scope parser.
import { describe, expect, it } from "vitest";
import { ANONYMOUS_NONE, ANONYMOUS_PUBLIC, type Caller, can, canReadSource } from "../../src/auth/caller.js";
import { parseScopes, type Scope, ScopeError } from "../../src/auth/scopes.js";

const key = (scopes: Scope[], source: string | null = null): Caller => ({
  kind: "key",
  id: "0123456789abcdef",
  name: "t",
  scopes,
  source,
});

const CHECKED: Scope[] = ["read", "read:a", "read:b", "publish:a", "publish:b", "admin"];

// Each caller, and the scopes of CHECKED it holds.
const TABLE: [string, Caller, Scope[]][] = [
  ["anonymous (public reads)", ANONYMOUS_PUBLIC, ["read"]],
  ["anonymous (token reads)", ANONYMOUS_NONE, []],
  ["read", key(["read"]), ["read"]],
  ["read:a", key(["read:a"]), ["read:a"]],
  ["publish:a", key(["publish:a"]), ["read:a", "publish:a"]],
  ["read + publish:b", key(["read", "publish:b"]), ["read", "read:b", "publish:b"]],
  ["admin", key(["admin"]), CHECKED],
  ["admin limited to a (a stored row no parser wrote)", key(["admin"], "a"), ["read:a", "publish:a"]],
  ["publish:b limited to a", key(["publish:b"], "a"), []],
  ["read limited to a", key(["read", "read:a"], "a"), ["read:a"]],
];

describe("can", () => {
  it.each(TABLE)("%s holds exactly its row", (_label, caller, held) => {
    expect(CHECKED.filter((s) => can(caller, s))).toEqual(held);
  });

  it("reads a public source with read, a private one only with its own scope", () => {
    expect(canReadSource(ANONYMOUS_PUBLIC, "a", "public")).toBe(true);
    expect(canReadSource(ANONYMOUS_PUBLIC, "a", "private")).toBe(false);
    expect(canReadSource(ANONYMOUS_NONE, "a", "public")).toBe(false);
    expect(canReadSource(key(["read:a"]), "a", "private")).toBe(true);
    expect(canReadSource(key(["publish:a"]), "a", "private")).toBe(true);
    expect(canReadSource(key(["publish:a"]), "b", "private")).toBe(false);
    expect(canReadSource(key(["publish:a"]), "b", "public")).toBe(false);
    expect(canReadSource(key(["admin"]), "b", "private")).toBe(true);
    expect(canReadSource(key(["read:a"], "a"), "b", "public")).toBe(false);
  });
});

describe("parseScopes", () => {
  it("accepts the four forms, deduplicated in order", () => {
    expect(parseScopes(["read", "admin", "read:acme", "publish:acme.x-1", "read"], null)).toEqual([
      "read",
      "admin",
      "read:acme",
      "publish:acme.x-1",
    ]);
  });

  it("expands bare read and publish with --source, and defaults to read:<source>", () => {
    expect(parseScopes(["read", "publish"], "acme")).toEqual(["read:acme", "publish:acme"]);
    expect(parseScopes([], "acme")).toEqual(["read:acme"]);
  });

  it.each([
    [[], null, /--scope is required/],
    [["write"], null, /--scope "write": a scope is read, admin/],
    [["publish"], null, /--scope "publish": a scope is/],
    [["read:"], null, /--scope "read:"/],
    [["read:../x"], null, /--scope "read:\.\.\/x"/],
    [["READ"], null, /--scope "READ"/],
    [["admin"], "acme", /admin cannot be given to a key limited to one source/],
    [["read:other"], "acme", /names another source than --source "acme"/],
    [["read"], "bad name", /--source "bad name"/],
  ] as const)("refuses %j with --source %j", (values, source, message) => {
    expect(() => parseScopes(values, source)).toThrow(ScopeError);
    expect(() => parseScopes(values, source)).toThrow(message);
  });
});
