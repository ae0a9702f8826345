-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN     "rejected_at" TIMESTAMP(3),
ADD COLUMN     "rejection" TEXT;

