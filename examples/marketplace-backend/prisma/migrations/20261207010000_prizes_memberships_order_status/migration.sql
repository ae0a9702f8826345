-- Our prizes and Discord memberships, which the backbone's workers reach through its table
-- contract (README: the HOST_*_TABLE settings of the worker, PrizesModule `tables`), and the
-- order status we post into an order's thread (update_order_status, answered to OrderRequestAnswers).

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'open',
ADD COLUMN "status_request_id" TEXT,
ADD COLUMN "discord_status" TEXT,
ADD COLUMN "status_failure" TEXT;

-- CreateTable
CREATE TABLE "communities" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "discord_guild_id" TEXT NOT NULL,
    CONSTRAINT "communities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "item_types" (
    "id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stackable" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "item_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "item_type_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "stack_key" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "inventory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "characters" (
    "id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "owner_id" TEXT,
    CONSTRAINT "characters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discord_channels" (
    "channel_id" TEXT NOT NULL,
    "guild_id" TEXT NOT NULL,
    "role_id" TEXT,
    "kick_on_remove" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "discord_channels_pkey" PRIMARY KEY ("channel_id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "communities_discord_guild_id_key" ON "communities"("discord_guild_id");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_stack_key_key" ON "inventory"("stack_key");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- AddForeignKey
ALTER TABLE "item_types" ADD CONSTRAINT "item_types_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "inventory" ADD CONSTRAINT "inventory_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "inventory" ADD CONSTRAINT "inventory_item_type_id_fkey" FOREIGN KEY ("item_type_id") REFERENCES "item_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "characters" ADD CONSTRAINT "characters_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "characters" ADD CONSTRAINT "characters_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "discord_channels"("channel_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Our users as the backbone's table contract reads them (id, discord_user_id): a simple view, so
-- Postgres updates users.discord_id through it when an account is linked. Prisma does not manage
-- views and leaves this one alone.
CREATE VIEW "discord_accounts" AS SELECT "id", "discord_id" AS "discord_user_id" FROM "users";
