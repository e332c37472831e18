-- Two files of one source may declare the same name (issue 14 point 3, decision 0018): both are
-- stored. An entity row is unique by (file, name) instead of (source, name); the lookups by name
-- keep a plain index on the same columns as before (and the same index names), and answer the
-- row whose file's path sorts first. The per-file indexes (agents_file, …) are covered by the
-- new unique ones, which lead with file_id.
--
-- The old unique indexes guaranteed a name once per source, hence once per file, so the new
-- ones hold on any catalog they held on. One that a damaged catalog cannot take (rows the old
-- index did not know about, decision 0012) is left out rather than failing the migration:
-- `agentry doctor` reports it missing and `--repair` merges the copies and creates it.
DROP INDEX "agents_file";--> statement-breakpoint
DROP INDEX "commands_file";--> statement-breakpoint
DROP INDEX "skills_file";--> statement-breakpoint
DROP INDEX "agents_source_name";--> statement-breakpoint
DROP INDEX "commands_source_ns_name";--> statement-breakpoint
DROP INDEX "skills_source_name";--> statement-breakpoint
DO $$ BEGIN
  CREATE UNIQUE INDEX "agents_file_name" ON "agents" USING btree ("file_id","name");
EXCEPTION WHEN unique_violation THEN
  RAISE WARNING 'agents stored twice for one file: run agentry doctor --repair';
END $$;--> statement-breakpoint
DO $$ BEGIN
  CREATE UNIQUE INDEX "commands_file_name" ON "commands" USING btree ("file_id","name");
EXCEPTION WHEN unique_violation THEN
  RAISE WARNING 'commands stored twice for one file: run agentry doctor --repair';
END $$;--> statement-breakpoint
DO $$ BEGIN
  CREATE UNIQUE INDEX "skills_file_name" ON "skills" USING btree ("file_id","name");
EXCEPTION WHEN unique_violation THEN
  RAISE WARNING 'skills stored twice for one file: run agentry doctor --repair';
END $$;--> statement-breakpoint
CREATE INDEX "agents_source_name" ON "agents" USING btree ("source_id","name");--> statement-breakpoint
CREATE INDEX "commands_source_ns_name" ON "commands" USING btree ("source_id","namespace","name");--> statement-breakpoint
CREATE INDEX "skills_source_name" ON "skills" USING btree ("source_id","name");
