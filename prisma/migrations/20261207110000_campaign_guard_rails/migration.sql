-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "progress_shown_version" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "progress_version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "campaign_button_presses" (
    "interaction_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "pressed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_button_presses_pkey" PRIMARY KEY ("interaction_id")
);

-- CreateIndex
CREATE INDEX "campaign_button_presses_pressed_at_idx" ON "campaign_button_presses"("pressed_at");

