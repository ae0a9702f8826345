-- CreateEnum
CREATE TYPE "campaign_status" AS ENUM ('running', 'completed', 'failed', 'rolling_back', 'rolled_back');

-- CreateEnum
CREATE TYPE "campaign_progress_via" AS ENUM ('interaction', 'bot', 'channel', 'none');

-- CreateEnum
CREATE TYPE "campaign_step_kind" AS ENUM ('role', 'category', 'channel');

-- CreateEnum
CREATE TYPE "campaign_step_status" AS ENUM ('pending', 'created', 'failed', 'deleted');

-- CreateTable
CREATE TABLE "campaigns" (
    "id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "guild_id" TEXT NOT NULL,
    "invoker_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "status" "campaign_status" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "round" INTEGER NOT NULL DEFAULT 0,
    "progress_via" "campaign_progress_via" NOT NULL DEFAULT 'interaction',
    "progress_channel_id" TEXT NOT NULL,
    "progress_message_id" TEXT,
    "status_channel_id" TEXT,
    "status_message_id" TEXT,
    "progress_edited_at" TIMESTAMP(3),
    "final_rendered_at" TIMESTAMP(3),
    "rate_limited_until" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_interaction_tokens" (
    "campaign_id" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "campaign_interaction_tokens_pkey" PRIMARY KEY ("campaign_id")
);

-- CreateTable
CREATE TABLE "campaign_steps" (
    "campaign_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "campaign_step_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "channel_type" INTEGER,
    "gm_only" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "campaign_step_status" NOT NULL DEFAULT 'pending',
    "discord_id" TEXT,
    "attempted_at" TIMESTAMP(3),
    "error" TEXT,
    "done_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "campaign_steps_pkey" PRIMARY KEY ("campaign_id","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "campaigns_interaction_id_key" ON "campaigns"("interaction_id");

-- CreateIndex
CREATE INDEX "campaigns_guild_id_idx" ON "campaigns"("guild_id");

-- AddForeignKey
ALTER TABLE "campaign_interaction_tokens" ADD CONSTRAINT "campaign_interaction_tokens_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_steps" ADD CONSTRAINT "campaign_steps_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

