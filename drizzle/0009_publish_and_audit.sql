-- Publish over the API and the audit trail (issue 16 points 1 and 5,
-- docs/decisions/0024-publish-over-the-api.md): a staging per multi-request publish and its
-- files (deleted with it), one audit event per change (written in the change's transaction),
-- and sources.deleted_at for deleteSource/restoreSource. New tables and a nullable column only.
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"source" text,
	"path_count" integer DEFAULT 0 NOT NULL,
	"paths" text[] DEFAULT '{}'::text[] NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"generation" bigint,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "publish_staged_files" (
	"staging_id" text NOT NULL,
	"path" text NOT NULL,
	"content" text NOT NULL,
	"bytes" integer NOT NULL,
	CONSTRAINT "publish_staged_files_staging_id_path_pk" PRIMARY KEY("staging_id","path")
);
--> statement-breakpoint
CREATE TABLE "publish_stagings" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"if_generation" bigint,
	"actor_kind" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_id" text,
	"files" integer DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "publish_staged_files" ADD CONSTRAINT "publish_staged_files_staging_id_publish_stagings_id_fk" FOREIGN KEY ("staging_id") REFERENCES "public"."publish_stagings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_source" ON "audit_events" USING btree ("source","id");--> statement-breakpoint
CREATE INDEX "publish_stagings_expires" ON "publish_stagings" USING btree ("expires_at");