-- CreateEnum
CREATE TYPE "discord_request_status" AS ENUM ('queued', 'done', 'failed');

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

-- CreateIndex
CREATE INDEX "discord_requests_entity_type_entity_id_idx" ON "discord_requests"("entity_type", "entity_id");

