-- API keys (issue 16 point 2, docs/decisions/0022-api-keys.md): a token is
-- `agentry_<id>_<secret>`; the row is found by its public id and only the SHA-256 of the secret
-- is stored, never the secret. `source` (nullable) limits a key to one source; expires_at,
-- revoked_at and last_used_at are null until set. A new table only: nothing existing changes.
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
