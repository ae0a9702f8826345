-- DropIndex
DROP INDEX "pending_ownerships_character_id_key";

-- CreateIndex
CREATE INDEX "pending_ownerships_character_id_idx" ON "pending_ownerships"("character_id");


-- A character is promised to at most one Discord user at a time. Once claimed (or when the
-- character is orphaned again later) it may be awarded anew.
CREATE UNIQUE INDEX "pending_ownerships_unclaimed_character_key" ON "pending_ownerships"("character_id") WHERE "claimed_at" IS NULL;
