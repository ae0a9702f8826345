-- CreateTable
CREATE TABLE "relay_parked_messages" (
    "discord_bot_id" TEXT NOT NULL,
    "discord_message_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "is_dm" BOOLEAN NOT NULL,
    "author_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "error_code" TEXT,
    "error" TEXT NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relay_parked_messages_pkey" PRIMARY KEY ("discord_bot_id","discord_message_id")
);

