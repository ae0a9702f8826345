-- pending_ownerships leaves public for discord_backbone (issue 17): it is the prize worker's own
-- table, and a host's prizes live in the host's tables (PrizesModule `tables`), which the backbone
-- cannot reference. Its foreign keys to this repository's users, communities, item types and
-- characters go, the table moves with its rows and indexes, and the backbone's migration that
-- creates exactly this table on a database that never had it (0004_pending_ownerships) is recorded
-- as applied, with its checksum, as 20261207190000_backbone_schema did for 0001.
ALTER TABLE "pending_ownerships" DROP CONSTRAINT "pending_ownerships_community_id_fkey";
ALTER TABLE "pending_ownerships" DROP CONSTRAINT "pending_ownerships_item_type_id_fkey";
ALTER TABLE "pending_ownerships" DROP CONSTRAINT "pending_ownerships_character_id_fkey";
ALTER TABLE "pending_ownerships" DROP CONSTRAINT "pending_ownerships_claimed_by_user_id_fkey";

ALTER TABLE "pending_ownerships" SET SCHEMA "discord_backbone";

INSERT INTO "discord_backbone"."backbone_migrations" (name, checksum) VALUES ('0004_pending_ownerships', '106d20db5aefec0855c0ff6875c99fc20665dff45d37c88db7ea40555b2f8bc7');
