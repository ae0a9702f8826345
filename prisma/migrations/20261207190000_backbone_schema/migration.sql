-- The backbone's own tables leave public for the schema discord_backbone (issue 17), where
-- libs/prisma's migrations own them from now on: this moves them with their rows, indexes,
-- sequences and enum types, and records the backbone's first migration (which creates exactly
-- these tables on a database that never had them) as applied, with its checksum. Only this
-- repository's databases need it (they predate the schema), and only for the default schema name.
-- `npm run db:migrate` then runs the backbone's later migrations, and its `doctor` checks the result.
CREATE SCHEMA IF NOT EXISTS "discord_backbone";

ALTER TYPE "discord_request_status" SET SCHEMA "discord_backbone";
ALTER TYPE "bot_operation_status" SET SCHEMA "discord_backbone";
ALTER TYPE "campaign_status" SET SCHEMA "discord_backbone";
ALTER TYPE "campaign_progress_via" SET SCHEMA "discord_backbone";
ALTER TYPE "campaign_step_kind" SET SCHEMA "discord_backbone";
ALTER TYPE "campaign_step_status" SET SCHEMA "discord_backbone";
ALTER TYPE "relay_delivery_state" SET SCHEMA "discord_backbone";
ALTER TYPE "relay_outbound_status" SET SCHEMA "discord_backbone";

ALTER TABLE "message_attempts" SET SCHEMA "discord_backbone";
ALTER TABLE "processed_messages" SET SCHEMA "discord_backbone";
ALTER TABLE "discord_requests" SET SCHEMA "discord_backbone";
ALTER TABLE "thread_creations" SET SCHEMA "discord_backbone";
ALTER TABLE "discord_effects" SET SCHEMA "discord_backbone";
ALTER TABLE "bot_operations" SET SCHEMA "discord_backbone";
ALTER TABLE "outbox_messages" SET SCHEMA "discord_backbone";
ALTER TABLE "campaigns" SET SCHEMA "discord_backbone";
ALTER TABLE "campaign_interaction_tokens" SET SCHEMA "discord_backbone";
ALTER TABLE "campaign_button_presses" SET SCHEMA "discord_backbone";
ALTER TABLE "campaign_steps" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_messages" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_deliveries" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_channel_watermarks" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_parked_messages" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_outbound_messages" SET SCHEMA "discord_backbone";
ALTER TABLE "scheduled_runs" SET SCHEMA "discord_backbone";
ALTER TABLE "deployment_leases" SET SCHEMA "discord_backbone";
ALTER TABLE "relay_rate_windows" SET SCHEMA "discord_backbone";

-- The ledger as libs/prisma/src/schema/schema-migrations.ts creates it.
CREATE TABLE "discord_backbone"."backbone_migrations" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
INSERT INTO "discord_backbone"."backbone_migrations" (name, checksum) VALUES ('0001_backbone_tables', 'b579702708f2495ec8fbad8646addcdcd32623df1e2cc1e7c5cd80fd8a18cc71');
