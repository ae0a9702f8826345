-- AlterTable
ALTER TABLE "processed_messages" ADD COLUMN     "payload_hash" TEXT;

