// Exercises the local stand-ins for Neon (WebSocket relay, HTTP SQL endpoint) and Upstash (REST)
// through the real client libraries, against the local Postgres 15 and Redis 7.

import { Client, NeonDbError, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { Redis } from "@upstash/redis";
import { sql as dsql, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { bigint, boolean, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ws from "ws";
import {
  configureNeonForHttp,
  type NeonHttpEndpoint,
  startNeonHttpEndpoint,
} from "./support/neon-http-endpoint";
import { configureNeonForRelay, type NeonWsRelay, startNeonWsRelay } from "./support/neon-ws-relay";
import { freePort, redisForwarder } from "./support/redis-forwarder.js";
import { startUpstashRest, type UpstashRest } from "./support/upstash-rest";

const DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const unique = `${process.pid}_${Date.now()}`;

describe("Neon WebSocket relay", () => {
  let relay: NeonWsRelay;
  let pool: Pool;

  beforeAll(async () => {
    relay = await startNeonWsRelay();
    configureNeonForRelay(neonConfig, relay.port);
    pool = new Pool({ connectionString: DATABASE_URL });
  });
  afterAll(async () => {
    await pool?.end();
    await relay?.close();
  });

  it("runs parameterized queries through Pool", async () => {
    const { rows } = await pool.query("select $1::int + 2 as n, version() as v", [1]);
    expect(rows).toEqual([{ n: 3, v: expect.stringContaining("PostgreSQL 15") }]);
  });

  it("runs transactions on a pooled connection (commit and rollback)", async () => {
    const client = await pool.connect();
    try {
      await client.query("create temp table standin_tx (n int)");
      await client.query("BEGIN");
      await client.query("insert into standin_tx values (1), (2)");
      await client.query("COMMIT");
      await client.query("BEGIN");
      await client.query("insert into standin_tx values (3)");
      await client.query("ROLLBACK");
      const { rows } = await client.query("select array_agg(n order by n) as ns from standin_tx");
      expect(rows[0].ns).toEqual([1, 2]);
    } finally {
      client.release();
    }
  });

  it("works with Client too, and surfaces Postgres errors", async () => {
    const client = new Client(DATABASE_URL);
    await client.connect();
    try {
      const { rows } = await client.query("select current_database() as db");
      expect(rows[0].db).toBe("test");
      await expect(client.query("select * from no_such_table")).rejects.toMatchObject({ code: "42P01" });
    } finally {
      await client.end();
    }
  });

  it("refuses targets other than localhost", async () => {
    const socket = new ws(`ws://127.0.0.1:${relay.port}/v2?address=example.com:5432`);
    const status = await new Promise<number>((resolve) => {
      socket.on("unexpected-response", (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      socket.on("open", () => {
        resolve(101);
        socket.close();
      });
      socket.on("error", () => {});
    });
    expect(status).toBe(400);
  });
});

describe("Neon HTTP endpoint", () => {
  let endpoint: NeonHttpEndpoint;
  const sql = neon(DATABASE_URL);
  const table = `standin_http_${unique}`;

  beforeAll(async () => {
    endpoint = await startNeonHttpEndpoint();
    configureNeonForHttp(neonConfig, endpoint.port);
    await sql.query(
      `create table ${table} (id bigint primary key, created_at timestamptz not null, data jsonb, flag boolean, tags text[])`,
    );
  });
  afterAll(async () => {
    await sql.query(`drop table if exists ${table}`);
    await endpoint?.close();
  });

  it("answers tagged-template queries with parameters", async () => {
    const before = endpoint.requests;
    const rows = await sql`select ${1}::int + ${2}::int as n, ${"it's"}::text as s`;
    expect(rows).toEqual([{ n: 3, s: "it's" }]);
    expect(endpoint.requests).toBe(before + 1);
  });

  it("supports array mode and full results", async () => {
    expect(await sql.query("select $1::text as a, $2::int as b", ["x", 5], { arrayMode: true })).toEqual([
      ["x", 5],
    ]);
    const full = await sql.query("select 1 as one", [], { fullResults: true });
    expect(full).toMatchObject({ command: "SELECT", rowCount: 1, rows: [{ one: 1 }] });
    expect(full.fields[0]).toMatchObject({ name: "one", dataTypeID: 23 });
  });

  it("returns raw text that the client parses itself (int8, timestamptz, jsonb, bool, text[], bytea)", async () => {
    // Runs before drizzle() is constructed: drizzle's neon-http driver globally swaps the client's
    // timestamp parsers for identity functions (it maps dates itself).
    const [row] = await sql`select 9007199254740993::int8 as big, '2024-01-02T03:04:05Z'::timestamptz as ts,
      '{"a":[1,2]}'::jsonb as j, true as b, array['x','y,z']::text[] as arr, ${Buffer.from([0, 255])}::bytea as bin,
      null::int as nothing`;
    expect(row).toEqual({
      big: "9007199254740993", // pg keeps int8 as a string so no precision is lost
      ts: new Date("2024-01-02T03:04:05Z"),
      j: { a: [1, 2] },
      b: true,
      arr: ["x", "y,z"],
      bin: Buffer.from([0, 255]),
      nothing: null,
    });
  });

  it("runs sql.transaction() batches in one transaction with the requested options", async () => {
    const [first, second, settings] = await sql.transaction(
      [
        sql`select txid_current() as id`,
        sql`select txid_current() as id`,
        sql`select current_setting('transaction_isolation') as level, current_setting('transaction_read_only') as ro`,
      ],
      { isolationLevel: "Serializable", readOnly: true },
    );
    expect(first).toEqual(second);
    expect(settings).toEqual([{ level: "serializable", ro: "on" }]);
  });

  it("rolls the whole batch back when one query fails", async () => {
    await expect(
      sql.transaction([
        sql.query(`insert into ${table} (id, created_at) values (100, now())`),
        sql.query(`insert into ${table} (id, created_at) values (100, now())`), // duplicate key
      ]),
    ).rejects.toMatchObject({ code: "23505", constraint: `${table}_pkey` });
    expect(await sql.query(`select count(*)::int as n from ${table} where id = 100`)).toEqual([{ n: 0 }]);
  });

  it("turns Postgres errors into NeonDbError with the pg fields", async () => {
    const error = await sql`selec 1`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: "42601", severity: "ERROR", position: "1" });
    expect((error as Error).message).toMatch(/syntax error/);
  });

  it("answers HTTP 500 when Postgres is unreachable, and rejects several statements in one query", async () => {
    await expect(neon("postgres://postgres@127.0.0.1:1/test")`select 1`).rejects.toThrow(/HTTP status 500/);
    // Like Neon (always the extended protocol), unlike pg's simple protocol for parameterless queries.
    await expect(sql.query("select 1; select 2")).rejects.toMatchObject({ code: "42601" });
  });

  it("serves drizzle-orm/neon-http, with typed columns parsed", async () => {
    const items = pgTable(table, {
      id: bigint("id", { mode: "bigint" }).primaryKey(),
      createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
      data: jsonb("data").$type<{ tags: string[]; n: number }>(),
      flag: boolean("flag"),
      tags: text("tags").array(),
    });
    const db = drizzle(sql);

    const one = await db.execute(dsql`select 1 as one`);
    expect(one.rows).toEqual([{ one: 1 }]);

    const createdAt = new Date("2025-06-07T08:09:10.123Z");
    await db.insert(items).values([
      { id: 9007199254740993n, createdAt, data: { tags: ["a"], n: 1.5 }, flag: true, tags: ["p", "q r"] },
      { id: 2n, createdAt, data: null, flag: false, tags: [] },
    ]);
    const rows = await db.select().from(items).where(eq(items.id, 9007199254740993n));
    expect(rows).toEqual([
      { id: 9007199254740993n, createdAt, data: { tags: ["a"], n: 1.5 }, flag: true, tags: ["p", "q r"] },
    ]);

    // db.batch() goes through sql.transaction() too.
    const [count, flags] = await db.batch([
      db.select({ n: dsql<number>`count(*)::int` }).from(items),
      db.select({ flag: items.flag }).from(items).orderBy(items.id),
    ]);
    expect(count).toEqual([{ n: 2 }]);
    expect(flags).toEqual([{ flag: false }, { flag: true }]);
  });
});

describe("Upstash REST stand-in", () => {
  let rest: UpstashRest;
  let redis: Redis;
  const key = (name: string) => `standin:${unique}:${name}`;

  beforeAll(async () => {
    rest = await startUpstashRest({});
    redis = new Redis({ url: rest.url, token: rest.token, enableTelemetry: false });
  });
  afterAll(async () => {
    const keys = await redis?.keys(key("*"));
    if (keys?.length) await redis.del(...keys);
    await rest?.close();
  });

  it("sets and gets strings, including non-ASCII ones, and null for a missing key", async () => {
    expect(await redis.set(key("s"), "héllo ✓")).toBe("OK");
    expect(await redis.get(key("s"))).toBe("héllo ✓");
    expect(await redis.get(key("missing"))).toBeNull();
    // "abcd" is itself valid base64: it only survives if the server really encoded it.
    await redis.set(key("b64"), "abcd");
    expect(await redis.get(key("b64"))).toBe("abcd");
    expect(rest.requests).toBeGreaterThanOrEqual(3);
  });

  it("increments counters and stores JSON values", async () => {
    expect(await redis.incr(key("n"))).toBe(1);
    expect(await redis.incrby(key("n"), 41)).toBe(42);
    const value = { a: 1, b: [true, "x"], c: { d: null } };
    await redis.set(key("json"), value, { ex: 60 });
    expect(await redis.get(key("json"))).toEqual(value);
    expect(await redis.ttl(key("json"))).toBeGreaterThan(0);
  });

  it("decodes nested array results (lists, hashes)", async () => {
    await redis.rpush(key("list"), "a", "b", "c");
    expect(await redis.lrange(key("list"), 0, -1)).toEqual(["a", "b", "c"]);
    await redis.hset(key("hash"), { f1: "v1", f2: 2 });
    expect(await redis.hgetall(key("hash"))).toEqual({ f1: "v1", f2: 2 });
  });

  it("runs pipelines, reporting per-command errors", async () => {
    const results = await redis.pipeline().set(key("p"), 1).incr(key("p")).get(key("p")).exec();
    expect(results).toEqual(["OK", 2, 2]);

    const mixed = await redis
      .pipeline()
      .set(key("p2"), "text")
      .incr(key("p2"))
      .get(key("p2"))
      .exec({ keepErrors: true });
    expect(mixed.map((r) => r.error)).toEqual([
      undefined,
      expect.stringMatching(/not an integer/),
      undefined,
    ]);
    expect(mixed[2]?.result).toBe("text");
    await expect(redis.pipeline().incr(key("p2")).exec()).rejects.toThrow(/INCR.*failed/i);
  });

  it("runs multi/exec transactions", async () => {
    const results = await redis.multi().set(key("m"), 10).incr(key("m")).get(key("m")).exec();
    expect(results).toEqual(["OK", 11, 11]);
  });

  it("answers command errors with HTTP 400 (thrown by the client)", async () => {
    await redis.set(key("str"), "abc");
    await expect(redis.incr(key("str"))).rejects.toThrow(/not an integer/);
  });

  it("speaks the wire protocol: plain strings without Upstash-Encoding, multi-exec errors", async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${rest.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${rest.token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    expect(await post("/", ["SET", key("w"), "v", "EX", 60])).toEqual({
      status: 200,
      body: { result: "OK" },
    });
    expect(await post("/", ["GET", key("w")])).toEqual({ status: 200, body: { result: "v" } });
    expect(await post("/pipeline", [["GET", key("w")], ["PING"]])).toEqual({
      status: 200,
      body: [{ result: "v" }, { result: "PONG" }],
    });
    // A runtime error fails only its own command; the others ran.
    expect(
      await post("/multi-exec", [
        ["INCR", key("w")],
        ["APPEND", key("w"), "w"],
      ]),
    ).toEqual({
      status: 200,
      body: [{ error: expect.stringMatching(/not an integer/) }, { result: 2 }],
    });
    // A command rejected while queueing aborts the whole transaction.
    expect(
      await post("/multi-exec", [
        ["SET", key("w"), "x"],
        ["SET", key("w")],
      ]),
    ).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/wrong number of arguments/) },
    });
    expect(await redis.get(key("w"))).toBe("vw");
    expect((await post("/nope", ["PING"])).status).toBe(404);
  });

  it("rejects a wrong token", async () => {
    const intruder = new Redis({ url: rest.url, token: "wrong", enableTelemetry: false, retry: false });
    await expect(intruder.get(key("s"))).rejects.toThrow(/Unauthorized/);
  });

  it("answers HTTP 500 quickly while Redis is down, and recovers when it is back", async () => {
    const port = await freePort();
    const forwarder = redisForwarder(port);
    // Start while "Redis" is down: startUpstashRest must not wait for it.
    const downRest = await startUpstashRest({ redisUrl: `redis://127.0.0.1:${port}` });
    const client = new Redis({
      url: downRest.url,
      token: downRest.token,
      enableTelemetry: false,
      retry: false,
    });
    try {
      const started = Date.now();
      await expect(client.get(key("s"))).rejects.toThrow(/offline|closed|ECONNREFUSED/i);
      expect(Date.now() - started).toBeLessThan(1000);
      const res = await fetch(downRest.url, {
        method: "POST",
        headers: { authorization: `Bearer ${downRest.token}` },
        body: JSON.stringify(["PING"]),
      });
      expect(res.status).toBe(500);

      await forwarder.start();
      await expect
        .poll(() => client.ping().catch(() => "down"), { timeout: 5000, interval: 100 })
        .toBe("PONG");
      expect(await client.get(key("s"))).toBe("héllo ✓");

      await forwarder.stop();
      await expect
        .poll(() => client.ping().catch((e: Error) => e.message), { timeout: 5000, interval: 100 })
        .toMatch(/offline|closed/i);
    } finally {
      await downRest.close();
      await forwarder.stop();
    }
  });
});
