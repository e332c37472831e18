// Schema-driven fuzz cases: GraphQL requests generated from the served schema by a seeded
// generator, so that case `i` of seed `s` is the same request everywhere (Node, the Worker,
// `npm run fuzz`) and any failure can be replayed alone (`npm run fuzz -- --seed s --only i`).
//
// Every root field of Query, nested selections of random width and depth with inline fragments
// and named fragments on interfaces and unions, aliases, directives, and arguments of every
// input type: values the example catalog knows (so that many requests reach resolvers and SQL),
// and hostile ones (forged and malformed global ids and cursors, NUL bytes, huge and negative
// numbers, astral, RTL and lone-surrogate unicode, SQL metacharacters, empty and very long
// strings), as literals or as variables, sometimes of the wrong type. A few cases are not
// queries at all: mutations and subscriptions (the schema has neither), several operations,
// broken syntax, bodies of the wrong shape.
//
// Pure (no Node built-ins): the workerd tests import it too.
import type {
  GraphQLArgument,
  GraphQLCompositeType,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLType,
  GraphQLUnionType,
} from "graphql";
import { mulberry32 } from "../../bench/synthetic.js";

// Type predicates by graphql-js' own Symbol.toStringTag, not its instanceof checks: under vitest
// the schema is built by one build of graphql (CommonJS) and this module may get the other (ESM).
const tag = (type: unknown, name: string) =>
  typeof type === "object" &&
  type !== null &&
  (type as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === name;
const isNonNullType = (t: unknown): t is GraphQLNonNull<GraphQLType> => tag(t, "GraphQLNonNull");
const isListType = (t: unknown): t is GraphQLList<GraphQLType> => tag(t, "GraphQLList");
const isScalarType = (t: unknown): t is GraphQLNamedType => tag(t, "GraphQLScalarType");
const isEnumType = (t: unknown): t is GraphQLEnumType => tag(t, "GraphQLEnumType");
const isInputObjectType = (t: unknown): t is GraphQLInputObjectType => tag(t, "GraphQLInputObjectType");
const isObjectType = (t: unknown): t is GraphQLObjectType => tag(t, "GraphQLObjectType");
const isInterfaceType = (t: unknown): t is GraphQLInterfaceType => tag(t, "GraphQLInterfaceType");
const isUnionType = (t: unknown): t is GraphQLUnionType => tag(t, "GraphQLUnionType");
const isAbstractType = (t: unknown): t is GraphQLInterfaceType | GraphQLUnionType =>
  isInterfaceType(t) || isUnionType(t);
const isLeafType = (t: unknown) => isScalarType(t) || isEnumType(t);
function getNamedType(type: GraphQLType): GraphQLNamedType {
  let t: GraphQLType = type;
  while (isNonNullType(t) || isListType(t)) t = (t as { ofType: GraphQLType }).ofType;
  return t as GraphQLNamedType;
}

/** One request: the JSON body sent to /graphql (or `raw` text sent as it is). */
export interface FuzzCase {
  seed: number;
  index: number;
  /** What kind of case this is, for the report. */
  shape: string;
  body: { query?: unknown; variables?: unknown; operationName?: unknown };
  /** A body that is not the JSON of `body` (malformed JSON); sent instead of it. */
  raw?: string;
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Up to `n` distinct items, in random order. */
  some<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }
}

// ---------------------------------------------------------------------------------------------
// Values: what the example catalog holds, and what an attacker sends.

const utf8 = new TextEncoder();
/** Standard base64 of the UTF-8 bytes (what Relay global ids use). */
export function b64(text: string): string {
  let binary = "";
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
/** base64url without padding (what the catalog's keyset cursors use). */
export function b64url(text: string): string {
  return b64(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
/** A keyset cursor as src/catalog/reads/internal.ts encodes one, with any content. */
export function keysetCursor(order: unknown, key: unknown, id: unknown): string {
  return b64url(JSON.stringify([order, key, id]));
}

const SOURCES = ["acme-platform", "community-agents", "solo-dev"];
const AGENT_NAMES = [
  "api-designer",
  "backend-engineer",
  "database-architect",
  "security-reviewer",
  "docs-writer",
  "incident-commander",
  "qa-engineer",
  "release-captain",
  "accessibility-auditor",
  "frontend-engineer",
  "code-reviewer",
  "data-engineer",
  "estimation-coach",
  "query-optimizer",
  "commit-helper",
  "side-project-planner",
];
const REFS = [
  "acme-platform/api-designer",
  "acme-platform/release-captain",
  "acme-platform/docs-writer",
  "acme-platform/backend-engineer",
  "acme-platform/incident-commander",
  "community-agents/api-designer",
  "community-agents/query-optimizer",
  "solo-dev/commit-helper",
  "acme-platform/backend:api-designer",
];
const TOOLS = [
  "Read",
  "Bash",
  "Bash(git diff:*)",
  "Edit",
  "Grep",
  "WebFetch",
  "mcp__github__create_pull_request",
];
const SKILLS = [
  "migration-safety",
  "release-checklist",
  "sql-explain-reading",
  "wcag-quick-check",
  "threat-modeling",
];
const NAMESPACES = ["", "backend", "delivery", "frontend"];
const COLORS = ["blue", "green", "red", "purple"];
const TYPENAMES = [
  "Agent",
  "AgentrySource",
  "Skill",
  "AgentryTool",
  "Command",
  "Nope",
  "AgentRevision",
  "Source",
  "Query",
  "__proto__",
  "",
];

const LONG = "x".repeat(10_000);
/** Strings no well-behaved client sends. Lone surrogates appear in variables only (JSON). */
const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "acme-platform/api-designer\u0000",
  "' or 1=1 --",
  "'; drop table agents; --",
  "\\",
  "%",
  "_%_",
  '"',
  "$1",
  "::text",
  "') or ('a'='a",
  "null",
  "__proto__",
  "constructor",
  "😀🚀𝔸",
  "\u202Eevil\u202C",
  "\u200B\uFEFF",
  "مرحبا بالعالم",
  "e\u0301",
  "\r\n\t",
  "1e30",
  "-1",
  "NaN",
  "Infinity",
  "/",
  "//",
  "acme-platform/",
  "/api-designer",
  "a/b/c",
  "acme-platform/api-designer/extra",
  LONG,
  "a/".repeat(300),
  "&|!():*<->",
  '"unterminated phrase',
  "-",
  "or",
  'release -captain or "api designer"',
];
const LONE_SURROGATES = ["\uD800", "a\uDFFFb", "\uDBFF\uDBFF", "acme-platform/\uD83D"];

function hostileString(rng: Rng, viaVariable: boolean): string {
  if (viaVariable && rng.chance(0.15)) return rng.pick(LONE_SURROGATES);
  if (viaVariable && rng.chance(0.02)) return "y".repeat(200_000);
  return rng.pick(HOSTILE_STRINGS);
}

/** Global ids: live ones, ones that name nothing, and ones that are not ids at all. */
function globalId(rng: Rng): string | number {
  const r = rng.float();
  if (r < 0.3) return b64(`${rng.pick(["Agent", "Agent", "Source"])}:${rng.int(1, 18)}`);
  if (r < 0.95)
    return rng.pick([
      b64("Agent:abc"),
      b64("Agent:1e30"),
      b64("Agent:1.5"),
      b64("Agent:-1"),
      b64("Agent:0"),
      b64("Agent:"),
      b64("Agent: 1"),
      b64("Agent:0x10"),
      b64("Agent:1\u0000"),
      b64("Agent:Infinity"),
      b64("Agent:NaN"),
      b64("Agent:99999999999999999999"),
      b64("Agent:9007199254740993"),
      b64("Agent:2147483648"),
      b64("Agent:1:2"),
      b64("Agent:' or 1=1 --"),
      b64("AgentrySource:NaN"),
      b64("AgentrySource:1e3"),
      b64("AgentrySource:1.5"),
      b64("AgentrySource:2147483648"),
      b64("AgentrySource:-5"),
      b64("AgentrySource:x"),
      b64("AgentrySource:987654"),
      b64("Nope:1"),
      b64("Revision:1"),
      b64("Query:1"),
      b64("__proto__:1"),
      b64(":1"),
      b64("Agent"),
      b64("😀:1"),
      "QWdlbnQ6MQ",
      "QWdlbnQ6MQ==\n",
      "not base64!",
      "%%%",
      "",
      "Agent:1",
      "====",
      keysetCursor("NAME", "api-designer", 1),
      b64("OffsetConnection:0"),
      "\u0000",
      LONG,
    ]);
  return rng.pick([0, 1, -1, 2 ** 31, 2 ** 53]);
}

const ORDERS = ["NAME", "UPDATED_AT", "RELEVANCE", "SKILLS", "COMMANDS", "TOOLS", "UNRESOLVED"];
const CURSOR_KEYS: unknown[] = [
  "api-designer",
  "release-captain",
  "Read",
  "2026-01-01T00:00:00.000000+00:00",
  "2026-13-45T99:99:99",
  "epoch",
  "infinity",
  "-infinity",
  "1:0.5",
  "0:0.1",
  "0:NaN",
  "1:Infinity",
  "2147483648:1",
  "x:y",
  "1:2:3",
  ":",
  "abc",
  "",
  null,
  12,
  -1,
  1.5,
  1e30,
  "1e30",
  "' or 1=1 --",
  "'::int; select pg_sleep(1); --",
  "\u0000",
  "\\x00",
  LONG,
  '["collaborator","x",1,1]',
  '["skill","threat-modeling",0,1]',
  '["collaborator","x",1.5,1]',
  '["a","b"]',
  "[1,2,3,4]",
  "not json",
  true,
  { a: 1 },
  [1, 2],
];
const CURSOR_IDS: unknown[] = [1, 4, 17, 0, -1, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 1.5, "1", null, 1e30];

/** The orderings a connection's cursors are made for (src/catalog/reads). */
const ORDERS_OF: Record<string, string[]> = {
  agents: ["NAME", "UPDATED_AT", "RELEVANCE"],
  skills: ["SKILLS"],
  commands: ["COMMANDS"],
  tools: ["TOOLS"],
  unresolvedReferences: ["UNRESOLVED"],
};

/** Cursors: real ones, other connections' ones, keyset cursors of any content, and garbage. */
function cursor(rng: Rng, field: string): string {
  // Mostly the field's own ordering, so that a forged key gets past the format check to SQL.
  const order = () => (rng.chance(0.7) && ORDERS_OF[field] ? rng.pick(ORDERS_OF[field]!) : rng.pick(ORDERS));
  const r = rng.float();
  if (r < 0.15) return keysetCursor(order(), rng.pick(AGENT_NAMES), rng.int(1, 17));
  if (r < 0.6) return keysetCursor(order(), rng.pick(CURSOR_KEYS), rng.pick(CURSOR_IDS));
  if (r < 0.65)
    return b64(`OffsetConnection:${rng.pick(["0", "1", "2", "-1", "abc", "1e30", "1.5", "99999999", ""])}`);
  return rng.pick([
    b64url("{}"),
    b64url("[]"),
    b64url("null"),
    b64url("[1,2,3]"),
    b64url('["NAME"]'),
    b64url('["NAME","a",1,4]'),
    b64url("not json"),
    b64url('{"__proto__":{"x":1}}'),
    b64("arrayconnection:0"),
    keysetCursor("NAME", "api-designer", 1).replace(/-/g, "+"),
    `${keysetCursor("NAME", "api-designer", 1)}==`,
    "%%%",
    "",
    " ",
    "\u0000",
    b64("Agent:1"),
    "WyJOQU1FIiwiYXBpLWRlc2lnbmVyIiwxXQ",
    "WyJUT09MUyIsIlJlYWQiLDVd",
    "T2Zmc2V0Q29ubmVjdGlvbjox",
    LONG,
  ]);
}

/** An Int: valid for its argument most of the time, so that requests reach the resolvers. */
function intFor(rng: Rng, name: string, viaVariable: boolean, hostile: boolean): number {
  if (!hostile || rng.chance(0.3)) {
    switch (name) {
      case "first":
        return rng.chance(0.7) ? rng.int(1, 10) : rng.int(1, 100);
      case "depth":
        return rng.int(0, 3);
      case "maxDepth":
        return rng.int(1, 8);
      case "from":
      case "to":
        return rng.int(0, 3);
    }
  }
  const pool = [0, 1, 5, 100, 101, 500, 1000, -1, -100, 2 ** 31 - 1, -(2 ** 31)];
  // Out of Int's range: a validation error as a literal, a coercion error as a variable.
  if (rng.chance(0.2)) return rng.pick(viaVariable ? [2 ** 31, 2 ** 53, 1e30, -1e30, 1.5] : [2 ** 31, 1e30]);
  return rng.pick(pool);
}

function stringFor(rng: Rng, name: string, viaVariable: boolean, field = "", hostile = true): string {
  if (name === "after") return cursor(rng, field);
  if (hostile && rng.chance(0.5)) return hostileString(rng, viaVariable);
  switch (name) {
    case "ref":
    case "from":
    case "to":
    case "roots":
      return rng.chance(0.8) ? rng.pick(REFS) : rng.pick(AGENT_NAMES);
    case "source":
      return rng.pick(SOURCES);
    case "tool":
      return rng.pick(TOOLS);
    case "skill":
      return rng.pick(SKILLS);
    case "namespace":
      return rng.pick(NAMESPACES);
    case "color":
      return rng.pick(COLORS);
    case "text":
      return rng.pick([
        ...AGENT_NAMES,
        ...REFS,
        "release",
        "api",
        '"api designer"',
        "review -security",
        "sql",
      ]);
    case "name":
      return rng.pick([...TYPENAMES, "Agent", "AgentFilter", "Node"]);
    default:
      return rng.pick([...AGENT_NAMES, ...SOURCES]);
  }
}

/** A federation representation (`_Any`): mostly objects with a __typename and a key. */
function representation(rng: Rng, hostile: boolean): unknown {
  if (!hostile) {
    const r = rng.int(0, 3);
    if (r === 0) return { __typename: "Agent", ref: rng.pick(REFS) };
    if (r === 1) return { __typename: "AgentrySource", name: rng.pick(SOURCES) };
    if (r === 2) return { __typename: "AgentryTool", name: rng.pick(TOOLS) };
    return { __typename: "Skill", ref: `${rng.pick(SOURCES)}/${rng.pick(SKILLS)}` };
  }
  const typename = rng.pick(TYPENAMES);
  const r = rng.float();
  if (r < 0.7) {
    const key = rng.pick(["ref", "name", "id", "nope"]);
    const value =
      key === "id"
        ? globalId(rng)
        : rng.chance(0.6)
          ? rng.pick([...REFS, ...SOURCES, ...TOOLS])
          : rng.pick([hostileString(rng, true), 1, null, { nested: true }, [1]]);
    return { __typename: typename, [key]: value };
  }
  return rng.pick([{}, { __typename: typename }, "Agent", 1, null, [], true, { __typename: 5 }]);
}

/**
 * How an argument's value is made: `plain` (values of the catalog, within the documented
 * limits), `hostile` (of the right type but anything an attacker sends), `wrong` (of another
 * type, through a variable: a coercion error).
 */
type Mode = "plain" | "hostile" | "wrong";

interface Site {
  rng: Rng;
  /** The field the argument belongs to (cursors are made per connection). */
  field: string;
  mode: Mode;
  viaVariable: boolean;
}

/** A JS value for an input type. */
function valueFor(site: Site, type: GraphQLInputType, name: string): unknown {
  const { rng, mode, viaVariable } = site;
  if (isNonNullType(type)) return valueFor(site, type.ofType, name);
  if (mode === "wrong") return rng.pick([null, "1", 1, 1.5, true, {}, [], [null], "HANDOFF", -(2 ** 40)]);
  if (isListType(type)) {
    // Lists: usually a few items; sometimes over the limits (ids and roots), through variables.
    let n = rng.int(0, 4);
    if (mode === "hostile" && viaVariable && rng.chance(0.25)) n = rng.pick([21, 100, 101, 1000, 5000]);
    else if (mode === "hostile" && rng.chance(0.15)) n = rng.pick([21, 101]);
    if (mode === "hostile" && rng.chance(0.1)) return valueFor(site, type.ofType as GraphQLInputType, name); // one value, not a list
    // Within a list, one hostile item among plain ones at most.
    const bad = mode === "hostile" ? rng.int(0, Math.max(n - 1, 0)) : -1;
    return Array.from({ length: n }, (_, i) =>
      valueFor({ ...site, mode: i === bad ? "hostile" : "plain" }, type.ofType as GraphQLInputType, name),
    );
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    if (mode === "hostile" && rng.chance(0.15)) return rng.pick(["NOPE", "name", "", "__proto__"]);
    return rng.pick(values);
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const chosen = rng.some(fields, rng.int(0, Math.min(3, fields.length)));
    const value: Record<string, unknown> = {};
    // One field of a hostile filter is hostile, the others plain.
    const bad = mode === "hostile" ? rng.int(0, Math.max(chosen.length - 1, 0)) : -1;
    chosen.forEach((f, i) => {
      value[f.name] = valueFor({ ...site, mode: i === bad ? "hostile" : "plain" }, f.type, f.name);
    });
    if (mode === "hostile" && rng.chance(0.05)) value.nope = "x";
    return value;
  }
  if (isScalarType(type)) {
    const hostile = mode === "hostile";
    switch (type.name) {
      case "Int":
        return intFor(rng, name, viaVariable, hostile);
      case "Float":
        return rng.pick([0, 1.5, -1, 1e30]);
      case "Boolean":
        return rng.chance(0.5);
      case "ID":
        return hostile ? globalId(rng) : b64(`${rng.pick(["Agent", "Agent", "Source"])}:${rng.int(1, 18)}`);
      case "String":
        return stringFor(rng, name, viaVariable, site.field, hostile);
      case "_Any":
        return representation(rng, hostile);
      default:
        return rng.pick(["", "x", 1, {}, null]);
    }
  }
  return null;
}

/** A value as a GraphQL literal of its (named) input type. */
function literal(value: unknown, type: GraphQLNamedType): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, type)).join(", ")}]`;
  if (typeof value === "object") {
    const fields = isInputObjectType(type) ? type.getFields() : {};
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${literal(v, fields[k] ? getNamedType(fields[k]!.type) : type)}`)
      .join(", ")}}`;
  }
  if (typeof value === "string")
    return isEnumType(type) && /^[_A-Za-z]\w*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "0";
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Documents.

interface Doc {
  rng: Rng;
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  definitions: string[];
  fragments: string[];
  maxDepth: number;
  /** How often an argument goes through a variable. */
  variableRate: number;
  /** How often an argument's value is hostile (see Mode). */
  hostileRate: number;
  /** Whether to make a mistake the validation or coercion refuses here (only in some documents). */
  mistake(p: number): boolean;
}

function typeString(type: GraphQLInputType): string {
  return String(type);
}

function argumentText(doc: Doc, arg: GraphQLArgument, field: string): string {
  const { rng } = doc;
  const viaVariable = rng.chance(doc.variableRate);
  const r = rng.float();
  const mode: Mode = r < doc.hostileRate ? "hostile" : viaVariable && doc.mistake(0.1) ? "wrong" : "plain";
  const value = valueFor({ rng, field, mode, viaVariable }, arg.type, arg.name);
  if (!viaVariable) return `${arg.name}: ${literal(value, getNamedType(arg.type))}`;
  const name = `v${doc.definitions.length}`;
  let declared = typeString(arg.type);
  if (doc.mistake(0.1)) declared = rng.pick(["String", "Int", "[String]", "ID!", "Boolean", "AgentFilter"]);
  doc.definitions.push(`$${name}: ${declared}`);
  // A required variable left out, or a value of the right type.
  if (!doc.mistake(0.05)) doc.variables[name] = value;
  return `${arg.name}: $${name}`;
}

function argumentsText(doc: Doc, field: GraphQLField<unknown, unknown>): string {
  const { rng } = doc;
  const args = field.args.filter((a) => isNonNullType(a.type) || rng.chance(0.5));
  const parts = args.map((a) => argumentText(doc, a, field.name));
  if (doc.mistake(0.03)) parts.push("nope: 1");
  return parts.length ? `(${parts.join(", ")})` : "";
}

const ALIASES = ["a", "b", "__proto__", "constructor", "toString", "x1", "hasOwnProperty"];

function directive(doc: Doc): string {
  const { rng } = doc;
  if (!rng.chance(0.04)) return "";
  if (rng.chance(0.5)) return rng.chance(0.5) ? " @include(if: true)" : " @skip(if: false)";
  const name = `v${doc.definitions.length}`;
  doc.definitions.push(`$${name}: Boolean!`);
  doc.variables[name] = doc.mistake(0.3) ? rng.pick(["yes", null, 1]) : rng.chance(0.5);
  return ` @include(if: $${name})`;
}

function fieldText(doc: Doc, field: GraphQLField<unknown, unknown>, depth: number): string {
  const { rng } = doc;
  const alias = rng.chance(0.06) ? `${rng.pick(ALIASES)}: ` : "";
  const named = getNamedType(field.type);
  const head = `${alias}${field.name}${argumentsText(doc, field)}${directive(doc)}`;
  if (isLeafType(named)) return doc.mistake(0.02) ? `${head} { nope }` : head;
  return `${head} ${selection(doc, named as GraphQLCompositeType, depth + 1)}`;
}

function leafFields(type: GraphQLCompositeType): GraphQLField<unknown, unknown>[] {
  if (isUnionType(type)) return [];
  return Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)));
}

function selection(doc: Doc, type: GraphQLCompositeType, depth: number): string {
  const { rng, schema } = doc;
  const parts: string[] = [];
  const atBottom = depth >= doc.maxDepth;
  if (isObjectType(type) || isInterfaceType(type)) {
    const all = Object.values(type.getFields());
    const candidates = atBottom ? leafFields(type) : all;
    const chosen = rng.some(candidates, rng.int(1, Math.min(4, Math.max(candidates.length, 1))));
    for (const f of chosen) parts.push(fieldText(doc, f, depth));
  }
  if (isAbstractType(type)) {
    const possible = schema.getPossibleTypes(type);
    for (const member of rng.some(possible, rng.int(1, Math.min(3, possible.length)))) {
      const inner = selection(doc, member, depth);
      if (rng.chance(0.3)) {
        const name = `F${doc.fragments.length}`;
        doc.fragments.push(`fragment ${name} on ${member.name} ${inner}`);
        parts.push(`...${name}`);
      } else {
        parts.push(`... on ${member.name} ${inner}`);
      }
    }
  } else if (rng.chance(0.05)) {
    // An inline fragment on the type itself, or without a type condition.
    parts.push(`... ${rng.chance(0.5) ? `on ${type.name} ` : ""}{ __typename }`);
  }
  if (parts.length === 0 || rng.chance(0.2)) parts.push("__typename");
  return `{ ${parts.join(" ")} }`;
}

function rootSelection(doc: Doc): string {
  const { rng, schema } = doc;
  const query = schema.getQueryType()!;
  const fields = Object.values(query.getFields());
  const parts: string[] = [];
  for (const f of rng.some(fields, rng.int(1, 3))) parts.push(fieldText(doc, f, 1));
  if (rng.chance(0.03))
    parts.push(`__type(name: ${JSON.stringify(stringFor(rng, "name", false))}) { name kind }`);
  if (rng.chance(0.01)) parts.push("__schema { queryType { name } }");
  // Now and then more aliases than the limit (30), or one fragment spread many times.
  if (rng.chance(0.02)) for (let i = 0, n = rng.int(25, 40); i < n; i++) parts.push(`t${i}: __typename`);
  if (rng.chance(0.02)) {
    const name = `F${doc.fragments.length}`;
    doc.fragments.push(`fragment ${name} on Query { __typename sources(first: 1) { totalCount } }`);
    for (let i = 0, n = rng.int(2, 120); i < n; i++) parts.push(`...${name}`);
  }
  return `{ ${parts.join(" ")} }`;
}

function operation(doc: Doc, keyword: string, name: string | null, body: string): string {
  const defs = doc.definitions.length ? `(${doc.definitions.join(", ")})` : "";
  const head =
    name || defs
      ? `${keyword} ${name ?? ""}${defs} `
      : keyword === "query" && doc.rng.chance(0.5)
        ? ""
        : `${keyword} `;
  return `${head}${body}`;
}

/** The case `index` of `seed`: the same request for the same pair, on every platform. */
export function generateCase(schema: GraphQLSchema, seed: number, index: number): FuzzCase {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const careless = rng.chance(0.2);
  const doc: Doc = {
    rng,
    schema,
    variables: {},
    definitions: [],
    fragments: [],
    // Now and then deeper than the depth limit (12): a typed refusal, before any work.
    maxDepth: rng.chance(0.03) ? rng.int(10, 14) : rng.int(2, 5),
    variableRate: rng.pick([0, 0.3, 0.7]),
    hostileRate: rng.pick([0, 0.2, 0.4, 0.8]),
    // Four documents in five make no mistake the validation refuses: they reach the resolvers.
    mistake: (p) => careless && rng.chance(p),
  };
  const done = (shape: string, body: FuzzCase["body"], raw?: string): FuzzCase => ({
    seed,
    index,
    shape,
    body,
    ...(raw !== undefined ? { raw } : {}),
  });
  const r = rng.float();
  const withFragments = (text: string) => [text, ...doc.fragments].join("\n");
  const vars = () => (Object.keys(doc.variables).length ? { variables: doc.variables } : {});

  if (r < 0.03) {
    const keyword = rng.pick(["mutation", "subscription"]);
    const text = operation(doc, keyword, rng.chance(0.5) ? "M" : null, rootSelection(doc));
    return done(keyword, { query: withFragments(text), ...vars() });
  }
  if (r < 0.06) {
    // Several operations: one picked by name, or a name that is not there, or none given.
    const a = operation(doc, "query", "A", rootSelection(doc));
    const keyword = rng.pick(["query", "mutation", "subscription"]);
    const b = `${keyword} B ${rootSelection(doc)}`;
    const operationName = rng.pick(["A", "B", "C", null, ""]);
    return done("operations", {
      query: withFragments(`${a}\n${b}`),
      ...vars(),
      ...(operationName !== null ? { operationName } : {}),
    });
  }
  if (r < 0.08) {
    // Broken syntax: cut short, or a NUL or stray character in the text itself.
    const text = withFragments(operation(doc, "query", null, rootSelection(doc)));
    const at = rng.int(0, text.length);
    const broken = rng.pick([
      text.slice(0, at),
      `${text.slice(0, at)}\u0000${text.slice(at)}`,
      `${text.slice(0, at)}}${text.slice(at)}`,
      `${text.slice(0, at)}"${text.slice(at)}`,
      `${text.slice(0, at)}\\u{D800}${text.slice(at)}`,
    ]);
    return done("syntax", { query: broken, ...vars() });
  }
  if (r < 0.09) {
    const query = rootSelection(doc);
    return done(
      "body",
      rng.pick<FuzzCase["body"]>([
        { query, variables: rng.pick(["x", 1, [], [1], true]) },
        { query: rng.pick([1, null, {}, [], true, ""]) },
        { query, operationName: rng.pick([1, {}, [], true]) },
        {},
      ]),
    );
  }
  if (r < 0.095) {
    const query = rootSelection(doc);
    return done(
      "json",
      { query },
      rng.pick([`{"query": ${JSON.stringify(query)}`, "{", "", "[]", "null", "{'a':1}"]),
    );
  }
  const name = rng.chance(0.3) ? rng.pick(["Q", "Fuzz", "__proto__", "query"]) : null;
  const text = operation(doc, "query", name, rootSelection(doc));
  return done("query", {
    query: withFragments(text),
    ...vars(),
    ...(name && rng.chance(0.5) ? { operationName: name } : {}),
  });
}

/** `count` cases of `seed` from `start`. */
export function generateCases(schema: GraphQLSchema, seed: number, count: number, start = 0): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(schema, seed, start + i));
}

/** The seed CI runs: FUZZ_SEED overrides it, to replay a failure elsewhere. */
export const DEFAULT_SEED = 20261202;
