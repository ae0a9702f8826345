-- CreateEnum
CREATE TYPE "relay_delivery_state" AS ENUM ('pending', 'leased', 'acked', 'dead');

-- CreateEnum
CREATE TYPE "relay_outbound_status" AS ENUM ('sending', 'sent');

-- CreateTable
CREATE TABLE "relay_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "discord_bot_id" TEXT NOT NULL,
    "discord_message_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "guild_id" TEXT,
    "is_dm" BOOLEAN NOT NULL,
    "author_id" TEXT NOT NULL,
    "author_name" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "traceparent" TEXT,
    "tracestate" TEXT,
    "source" TEXT NOT NULL,
    "ingested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relay_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "relay_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "message_id" UUID NOT NULL,
    "backend_bot_id" TEXT NOT NULL,
    "conversation" TEXT NOT NULL,
    "state" "relay_delivery_state" NOT NULL DEFAULT 'pending',
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivery_count" INTEGER NOT NULL DEFAULT 0,
    "receipt" TEXT,
    "acked_at" TIMESTAMPTZ(3),
    "dead_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relay_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "relay_channel_watermarks" (
    "discord_bot_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "is_dm" BOOLEAN NOT NULL,
    "last_message_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relay_channel_watermarks_pkey" PRIMARY KEY ("discord_bot_id","channel_id")
);

-- CreateTable
CREATE TABLE "relay_outbound_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "backend_bot_id" TEXT NOT NULL,
    "discord_bot_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT NOT NULL,
    "destination_type" TEXT NOT NULL,
    "destination_id" TEXT NOT NULL,
    "reply_to" TEXT,
    "content" TEXT NOT NULL,
    "status" "relay_outbound_status" NOT NULL DEFAULT 'sending',
    "channel_id" TEXT,
    "discord_message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "relay_outbound_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "relay_messages_discord_bot_id_discord_message_id_key" ON "relay_messages"("discord_bot_id", "discord_message_id");

-- CreateIndex
CREATE INDEX "relay_deliveries_backend_bot_id_state_seq_idx" ON "relay_deliveries"("backend_bot_id", "state", "seq");

-- CreateIndex
CREATE INDEX "relay_deliveries_message_id_idx" ON "relay_deliveries"("message_id");

-- CreateIndex
CREATE INDEX "relay_deliveries_state_acked_at_idx" ON "relay_deliveries"("state", "acked_at");

-- CreateIndex
CREATE INDEX "relay_outbound_messages_created_at_idx" ON "relay_outbound_messages"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "relay_outbound_messages_backend_bot_id_idempotency_key_key" ON "relay_outbound_messages"("backend_bot_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "relay_deliveries" ADD CONSTRAINT "relay_deliveries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "relay_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Leasing scans a backend's leasable deliveries in ingest order (FOR UPDATE SKIP LOCKED).
-- Partial, so acked and dead rows never slow it down. Written by hand: Prisma cannot express it.
CREATE INDEX "relay_deliveries_leasable_idx" ON "relay_deliveries"("backend_bot_id", "seq") WHERE "state" IN ('pending', 'leased');

-- In-order delivery looks for an earlier unfinished delivery of the same conversation.
CREATE INDEX "relay_deliveries_conversation_idx" ON "relay_deliveries"("backend_bot_id", "conversation", "seq") WHERE "state" IN ('pending', 'leased');
