-- Custom migration: agent names are now indexed as written (kebab-case) instead of with their
-- hyphens turned into spaces, so that a query for an agent's own name (`release-captain`)
-- matches its name (src/catalog/search-index.ts). Recomputes every stored vector with the new
-- expression (a copy of VECTOR in search-index.ts as of this migration) and writes the
-- vectors a live agent lacked; the revision each vector names is the agent's current one,
-- which the vector is computed from. Nothing else is touched.
UPDATE "agent_search" AS x
   SET "revision_id" = a."revision_id",
       "search" = setweight(to_tsvector('english', coalesce(a."name", '')), 'A')
         || setweight(to_tsvector('english', coalesce(a."description", '')), 'B')
         || setweight(to_tsvector('english', left(coalesce(a."body", ''), 100000)), 'C')
  FROM "agents" AS a
 WHERE a."id" = x."agent_id";
--> statement-breakpoint
INSERT INTO "agent_search" ("agent_id", "revision_id", "search")
SELECT a."id", a."revision_id",
       setweight(to_tsvector('english', coalesce(a."name", '')), 'A')
         || setweight(to_tsvector('english', coalesce(a."description", '')), 'B')
         || setweight(to_tsvector('english', left(coalesce(a."body", ''), 100000)), 'C')
  FROM "agents" AS a
 WHERE a."deleted_at" IS NULL
   AND NOT EXISTS (SELECT 1 FROM "agent_search" AS x WHERE x."agent_id" = a."id");
