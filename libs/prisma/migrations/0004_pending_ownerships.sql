-- Prizes awarded to a Discord account that no user has linked yet (libs/prizes
-- PendingOwnershipService): claimed into the host's tables when the account is linked. The ids
-- name rows of the host's tables (PrizesModule's `tables`: communities, item types, characters,
-- users), so there are no foreign keys: the backbone cannot know where those tables live.

-- CreateTable
CREATE TABLE "pending_ownerships" (
    "id" TEXT NOT NULL,
    "discord_user_id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "item_type_id" TEXT,
    "quantity" INTEGER,
    "character_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_at" TIMESTAMP(3),
    "claimed_by_user_id" TEXT,

    CONSTRAINT "pending_ownerships_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pending_ownerships_discord_user_id_claimed_at_idx" ON "pending_ownerships"("discord_user_id", "claimed_at");

-- CreateIndex
CREATE INDEX "pending_ownerships_character_id_idx" ON "pending_ownerships"("character_id");

-- A character is promised to at most one Discord user at a time. Once claimed (or when the
-- character is orphaned again later) it may be awarded anew.
CREATE UNIQUE INDEX "pending_ownerships_unclaimed_character_key" ON "pending_ownerships"("character_id") WHERE "claimed_at" IS NULL;
