-- Custom migration: a token that names the catalog's current contents, for cache keys. The
-- graph cache's keys held the sum of the sources' generations, which a rebuilt database starts
-- again from 0: with Redis kept, the new catalog was answered with the old one's graphs. The
-- token is random, made anew by every statement that changes a source's generation (every
-- import batch, a doctor repair, a source removed), so two catalogs never share one; a backup
-- restored brings back the token of the contents it restores, whose cached graphs are right.
-- drizzle's schema cannot express the trigger; the table is read with SQL only
-- (src/catalog/reads/generation.ts).
CREATE TABLE IF NOT EXISTS "catalog_state" (
  "id" boolean PRIMARY KEY DEFAULT true CHECK ("id"),
  "token" uuid NOT NULL DEFAULT gen_random_uuid(),
  "changed_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
INSERT INTO "catalog_state" DEFAULT VALUES ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "agentry_new_catalog_token"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "catalog_state" SET "token" = gen_random_uuid(), "changed_at" = now();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sources_new_catalog_token"
  AFTER INSERT OR DELETE OR UPDATE OF "generation" ON "sources"
  FOR EACH STATEMENT EXECUTE FUNCTION "agentry_new_catalog_token"();
