-- Names as written (issue 14 points 1 and 5, decisions 0013 and 0015 steps 4-5): the reader's
-- fromText/toText/fromKind/toKind of each edge are stored (a `group` side, "All Agents", is
-- never resolved and is listed as kind `group` in unresolved_references); agents get their
-- name without hyphens (flat_name, computed) and an index on their reversed name (a suffix
-- lookup in a plugin), and agent_aliases keeps a declared name as written where it was
-- normalized ("TikTok Strategist"). Partial indexes on edges (not mentions) by flat name and
-- by written name let an agent that arrives find the edges written for it. Edges stored before
-- this migration have no written names until their file changes; aliases are filled below
-- from the `name-not-kebab` diagnostic the import stored (migration 0005), which quotes the
-- name as written.
CREATE TABLE "agent_aliases" (
	"agent_id" bigint NOT NULL,
	"alias" text NOT NULL,
	CONSTRAINT "agent_aliases_agent_id_alias_pk" PRIMARY KEY("agent_id","alias")
);
--> statement-breakpoint
DROP VIEW "public"."unresolved_references";--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "flat_name" text GENERATED ALWAYS AS (replace(name, '-', '')) STORED;--> statement-breakpoint
ALTER TABLE "collaborations" ADD COLUMN "from_text" text;--> statement-breakpoint
ALTER TABLE "collaborations" ADD COLUMN "to_text" text;--> statement-breakpoint
ALTER TABLE "collaborations" ADD COLUMN "from_kind" text;--> statement-breakpoint
ALTER TABLE "collaborations" ADD COLUMN "to_kind" text;--> statement-breakpoint
ALTER TABLE "agent_aliases" ADD CONSTRAINT "agent_aliases_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_aliases_alias" ON "agent_aliases" USING btree ("alias");--> statement-breakpoint
CREATE INDEX "agents_flat_name" ON "agents" USING btree ("source_id","flat_name");--> statement-breakpoint
CREATE INDEX "agents_name_suffix" ON "agents" USING btree ("source_id","namespace",reverse("name") collate "C");--> statement-breakpoint
CREATE INDEX "collaborations_source_to_flat" ON "collaborations" USING btree ("source_id",replace("to_name", '-', '')) WHERE kind <> 'mention';--> statement-breakpoint
CREATE INDEX "collaborations_source_from_flat" ON "collaborations" USING btree ("source_id",replace("from_name", '-', '')) WHERE kind <> 'mention';--> statement-breakpoint
CREATE INDEX "collaborations_source_to_text" ON "collaborations" USING btree ("source_id","to_text") WHERE to_text is not null;--> statement-breakpoint
CREATE INDEX "collaborations_source_from_text" ON "collaborations" USING btree ("source_id","from_text") WHERE from_text is not null;--> statement-breakpoint
CREATE VIEW "public"."unresolved_references" AS (
  select c.source_id, c.agent_id,
         case when (case when c.to_agent_id is null then c.to_kind else c.from_kind end) = 'group'
              then 'group' else 'collaborator' end as kind,
         -- a group as written ("All Agents"), an agent by the name it is looked up by
         case when c.to_agent_id is null
              then case when c.to_kind = 'group' then coalesce(c.to_text, c.to_name) else c.to_name end
              else case when c.from_kind = 'group' then coalesce(c.from_text, c.from_name) else c.from_name end end as name,
         c.candidates, c.evidence_line, c.evidence_text
    from collaborations c join agents a on a.id = c.agent_id and a.deleted_at is null
   where c.kind <> 'mention' and (c.to_agent_id is null or c.from_agent_id is null)
  union all
  select a.source_id, s.agent_id, 'skill', s.name, null, s.evidence_line, s.evidence_text
    from agent_skills s join agents a on a.id = s.agent_id and a.deleted_at is null
   where s.skill_id is null
  union all
  select a.source_id, m.agent_id, 'command', m.name, null, m.evidence_line, m.evidence_text
    from agent_commands m join agents a on a.id = m.agent_id and a.deleted_at is null
   where m.command_id is null
);
--> statement-breakpoint
INSERT INTO "agent_aliases" ("agent_id", "alias")
SELECT DISTINCT a."id", substring(d->>'message' from '^name "(.*)" is not kebab-case; it is read as ')
  FROM "agents" AS a, jsonb_array_elements(CASE WHEN jsonb_typeof(a."diagnostics") = 'array' THEN a."diagnostics" ELSE '[]'::jsonb END) AS d
 WHERE a."deleted_at" IS NULL AND d->>'code' = 'name-not-kebab'
   AND substring(d->>'message' from '^name "(.*)" is not kebab-case; it is read as ') IS NOT NULL
ON CONFLICT DO NOTHING;
