CREATE TABLE "agent_search" (
	"agent_id" bigint PRIMARY KEY NOT NULL,
	"revision_id" bigint NOT NULL,
	"search" "tsvector" NOT NULL
);
--> statement-breakpoint
-- Added by hand to drizzle-kit's output: keep the vectors already computed (before the index, which builds faster over a full table).
INSERT INTO "agent_search" ("agent_id", "revision_id", "search") SELECT "id", "revision_id", "search" FROM "agents";--> statement-breakpoint
ALTER TABLE "agent_search" ADD CONSTRAINT "agent_search_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_search_search" ON "agent_search" USING gin ("search");--> statement-breakpoint
DROP INDEX "agents_search";--> statement-breakpoint
ALTER TABLE "agents" DROP COLUMN "search";
