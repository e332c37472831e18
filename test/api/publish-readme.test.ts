// README.md's "Publishing over the API" example is right: its request (the first ```json block
// of the section) validates against schema/schema.graphql and, sent to the app with a real key
// holding `publish:my-team`, answers exactly the second block.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import type { App } from "../../src/server/app.js";
import { testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const ROOT = resolve(import.meta.dirname, "../..");
const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Publishing over the API"), readme.indexOf("\n## The CLI"));
const blocks = [...section.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => JSON.parse(m[1]!));

describe("README.md: Publishing over the API", () => {
  let t: TestDatabase;
  let app: App;
  let token = "";
  beforeAll(async () => {
    t = await (await driverCases())[0]!.open();
    app = testApp(t.database);
    token = (await createKey(t.database.db, { name: "ci", scopes: ["publish:my-team"] })).token;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("shows a request that validates and the answer it gets", async () => {
    expect(blocks).toHaveLength(2);
    const [request, answer] = blocks;
    const schema = buildSchema(readFileSync(resolve(ROOT, "schema/schema.graphql"), "utf8"));
    expect(validate(schema, parse(request.query))).toEqual([]);
    const response = await app.fetch(
      new Request("http://agentry.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(request),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(answer);
  });

  it("mentions every publish mutation and the audit command", () => {
    for (const word of [
      "beginPublish",
      "stagePublishFiles",
      "commitPublish",
      "deleteAgent",
      "restoreAgent",
      "deleteSource",
      "restoreSource",
      "auditEvents",
      "agentry audit",
    ])
      expect(section, word).toContain(word);
  });
});
