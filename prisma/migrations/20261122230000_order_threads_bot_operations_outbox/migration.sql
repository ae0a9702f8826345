-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('not_started', 'in_progress', 'fulfilled', 'cancelled');

-- CreateEnum
CREATE TYPE "offer_session_status" AS ENUM ('active', 'accepted', 'rejected', 'closed');

-- CreateEnum
CREATE TYPE "discord_thread_status" AS ENUM ('not_configured', 'queued', 'created', 'partial', 'failed');

-- CreateEnum
CREATE TYPE "discord_request_status" AS ENUM ('queued', 'done', 'failed');

-- CreateEnum
CREATE TYPE "subscription_status" AS ENUM ('pending', 'active', 'expired', 'refunded');

-- CreateEnum
CREATE TYPE "permission_check_status" AS ENUM ('pending', 'ok', 'missing', 'failed');

-- CreateEnum
CREATE TYPE "bot_operation_status" AS ENUM ('queued', 'done', 'failed');

-- AlterTable
ALTER TABLE "communities" ADD COLUMN     "discord_thread_channel_id" TEXT;

-- CreateTable
CREATE TABLE "message_attempts" (
    "consumer" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_attempts_pkey" PRIMARY KEY ("consumer","message_key")
);

-- CreateTable
CREATE TABLE "contractors" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "discord_guild_id" TEXT,
    "discord_thread_channel_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contractors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "customer_id" TEXT NOT NULL,
    "assigned_id" TEXT,
    "contractor_id" TEXT,
    "community_id" TEXT,
    "status" "order_status" NOT NULL DEFAULT 'not_started',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offer_sessions" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "assigned_id" TEXT,
    "contractor_id" TEXT,
    "community_id" TEXT,
    "status" "offer_session_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "offer_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discord_thread_links" (
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "status" "discord_thread_status" NOT NULL,
    "thread_id" TEXT,
    "invite_code" TEXT,
    "error" TEXT,
    "details" JSONB,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "discord_thread_links_pkey" PRIMARY KEY ("entity_type","entity_id")
);

-- CreateTable
CREATE TABLE "discord_requests" (
    "id" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" "discord_request_status" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "discord_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "thread_creations" (
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "guild_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "thread_name" TEXT NOT NULL,
    "thread_id" TEXT,
    "members_added" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "member_failures" JSONB NOT NULL DEFAULT '{}',
    "welcome_message_id" TEXT,
    "invite_code" TEXT,
    "invite_error" TEXT,
    "lease_owner" TEXT,
    "leased_until" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "thread_creations_pkey" PRIMARY KEY ("entity_type","entity_id")
);

-- CreateTable
CREATE TABLE "discord_effects" (
    "key" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "completed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discord_effects_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "subscription_channels" (
    "channel_id" TEXT NOT NULL,
    "guild_id" TEXT NOT NULL,
    "role_id" TEXT,
    "kick_on_remove" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_channels_pkey" PRIMARY KEY ("channel_id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "order_id" TEXT,
    "status" "subscription_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "listings" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "permission_check" "permission_check_status" NOT NULL DEFAULT 'pending',
    "missing_permissions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "checked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "listings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bot_operations" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" "bot_operation_status" NOT NULL DEFAULT 'queued',
    "discord_user_id" TEXT,
    "channel_id" TEXT NOT NULL,
    "subscription_id" TEXT,
    "listing_id" TEXT,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "result" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "bot_operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" BIGSERIAL NOT NULL,
    "destination" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "ordering_key" TEXT NOT NULL,
    "message_group_id" TEXT,
    "deduplication_id" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "sent_at" TIMESTAMP(3),
    "sqs_message_id" TEXT,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "discord_requests_entity_type_entity_id_idx" ON "discord_requests"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "subscriptions_user_id_idx" ON "subscriptions"("user_id");

-- CreateIndex
CREATE INDEX "bot_operations_subscription_id_idx" ON "bot_operations"("subscription_id");

-- CreateIndex
CREATE INDEX "bot_operations_listing_id_idx" ON "bot_operations"("listing_id");

-- CreateIndex
CREATE INDEX "outbox_messages_ordering_key_id_idx" ON "outbox_messages"("ordering_key", "id");

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_assigned_id_fkey" FOREIGN KEY ("assigned_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_contractor_id_fkey" FOREIGN KEY ("contractor_id") REFERENCES "contractors"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offer_sessions" ADD CONSTRAINT "offer_sessions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offer_sessions" ADD CONSTRAINT "offer_sessions_assigned_id_fkey" FOREIGN KEY ("assigned_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offer_sessions" ADD CONSTRAINT "offer_sessions_contractor_id_fkey" FOREIGN KEY ("contractor_id") REFERENCES "contractors"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offer_sessions" ADD CONSTRAINT "offer_sessions_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "subscription_channels"("channel_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "subscription_channels"("channel_id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The relay only ever looks for unsent messages: keep that index small.
CREATE INDEX "outbox_messages_unsent_idx" ON "outbox_messages"("id") WHERE "sent_at" IS NULL;
