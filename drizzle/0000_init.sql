CREATE TABLE "agent_commands" (
	"agent_id" bigint NOT NULL,
	"name" text NOT NULL,
	"position" smallint NOT NULL,
	"command_id" bigint,
	"evidence_line" integer NOT NULL,
	"evidence_text" text NOT NULL,
	CONSTRAINT "agent_commands_agent_id_name_pk" PRIMARY KEY("agent_id","name")
);
--> statement-breakpoint
CREATE TABLE "agent_skills" (
	"agent_id" bigint NOT NULL,
	"name" text NOT NULL,
	"origin" text NOT NULL,
	"position" smallint NOT NULL,
	"skill_id" bigint,
	"evidence_line" integer,
	"evidence_text" text,
	CONSTRAINT "agent_skills_agent_id_name_pk" PRIMARY KEY("agent_id","name")
);
--> statement-breakpoint
CREATE TABLE "agent_tools" (
	"agent_id" bigint NOT NULL,
	"tool_id" integer NOT NULL,
	"tier" text NOT NULL,
	"position" smallint NOT NULL,
	CONSTRAINT "agent_tools_agent_id_tool_id_pk" PRIMARY KEY("agent_id","tool_id")
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"file_id" bigint NOT NULL,
	"revision_id" bigint NOT NULL,
	"namespace" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"stem" text NOT NULL,
	"description" text,
	"model_raw" text,
	"model_family" text,
	"color" text,
	"tools_mode" text NOT NULL,
	"body" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', replace(coalesce(name, ''), '-', ' ')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B') || setweight(to_tsvector('english', left(coalesce(body, ''), 100000)), 'C')) STORED NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collaborations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" bigint NOT NULL,
	"source_id" integer NOT NULL,
	"kind" text NOT NULL,
	"from_name" text NOT NULL,
	"to_name" text NOT NULL,
	"from_agent_id" bigint,
	"to_agent_id" bigint,
	"candidates" text[],
	"summary" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"phase" text,
	"section" text,
	"evidence_line" integer NOT NULL,
	"evidence_text" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"file_id" bigint NOT NULL,
	"revision_id" bigint NOT NULL,
	"namespace" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "examples" (
	"agent_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"context" text,
	"user_text" text,
	"assistant_text" text,
	"commentary" text,
	CONSTRAINT "examples_agent_id_position_pk" PRIMARY KEY("agent_id","position")
);
--> statement-breakpoint
CREATE TABLE "files" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"path" text NOT NULL,
	"kind" text NOT NULL,
	"namespace" text DEFAULT '' NOT NULL,
	"content_hash" text NOT NULL,
	"current_revision_id" bigint,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plugins" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"file_id" bigint NOT NULL,
	"name" text NOT NULL,
	"version" text,
	"description" text,
	"manifest" jsonb NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"file_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"content_hash" text NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sections" (
	"agent_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"title" text NOT NULL,
	"key" text NOT NULL,
	"level" smallint NOT NULL,
	"line" integer NOT NULL,
	"end_line" integer NOT NULL,
	CONSTRAINT "sections_agent_id_position_pk" PRIMARY KEY("agent_id","position")
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"file_id" bigint NOT NULL,
	"revision_id" bigint NOT NULL,
	"namespace" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "tools" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"server" text,
	CONSTRAINT "tools_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "agent_commands" ADD CONSTRAINT "agent_commands_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_commands" ADD CONSTRAINT "agent_commands_command_id_commands_id_fk" FOREIGN KEY ("command_id") REFERENCES "public"."commands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tools" ADD CONSTRAINT "agent_tools_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tools" ADD CONSTRAINT "agent_tools_tool_id_tools_id_fk" FOREIGN KEY ("tool_id") REFERENCES "public"."tools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collaborations" ADD CONSTRAINT "collaborations_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examples" ADD CONSTRAINT "examples_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugins" ADD CONSTRAINT "plugins_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugins" ADD CONSTRAINT "plugins_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revisions" ADD CONSTRAINT "revisions_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sections" ADD CONSTRAINT "sections_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skills" ADD CONSTRAINT "skills_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skills" ADD CONSTRAINT "skills_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_skills_name" ON "agent_skills" USING btree ("name");--> statement-breakpoint
CREATE INDEX "agent_skills_skill" ON "agent_skills" USING btree ("skill_id");--> statement-breakpoint
CREATE INDEX "agent_tools_tool" ON "agent_tools" USING btree ("tool_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_source_name" ON "agents" USING btree ("source_id","name");--> statement-breakpoint
CREATE INDEX "agents_file" ON "agents" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "agents_name" ON "agents" USING btree ("name");--> statement-breakpoint
CREATE INDEX "agents_stem" ON "agents" USING btree ("source_id","stem");--> statement-breakpoint
CREATE INDEX "agents_model_family" ON "agents" USING btree ("model_family");--> statement-breakpoint
CREATE INDEX "agents_search" ON "agents" USING gin ("search");--> statement-breakpoint
CREATE INDEX "collaborations_agent" ON "collaborations" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "collaborations_from" ON "collaborations" USING btree ("from_agent_id","kind");--> statement-breakpoint
CREATE INDEX "collaborations_to" ON "collaborations" USING btree ("to_agent_id","kind");--> statement-breakpoint
CREATE INDEX "collaborations_source_to_name" ON "collaborations" USING btree ("source_id","to_name");--> statement-breakpoint
CREATE INDEX "collaborations_source_from_name" ON "collaborations" USING btree ("source_id","from_name");--> statement-breakpoint
CREATE UNIQUE INDEX "commands_source_ns_name" ON "commands" USING btree ("source_id","namespace","name");--> statement-breakpoint
CREATE INDEX "commands_file" ON "commands" USING btree ("file_id");--> statement-breakpoint
CREATE UNIQUE INDEX "files_source_path" ON "files" USING btree ("source_id","path");--> statement-breakpoint
CREATE UNIQUE INDEX "plugins_source_file" ON "plugins" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "plugins_source_name" ON "plugins" USING btree ("source_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "revisions_file_number" ON "revisions" USING btree ("file_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_source_name" ON "skills" USING btree ("source_id","name");--> statement-breakpoint
CREATE INDEX "skills_file" ON "skills" USING btree ("file_id");--> statement-breakpoint
CREATE VIEW "public"."unresolved_references" AS (
  select c.source_id, c.agent_id, 'collaborator' as kind,
         case when c.to_agent_id is null then c.to_name else c.from_name end as name,
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