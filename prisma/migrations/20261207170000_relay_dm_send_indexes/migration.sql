-- Authorizing a backend's send to a DM user or DM channel looks for a delivered DM of that user,
-- or in that channel, with that Discord bot (libs/relay/src/api/send-permissions.ts). Partial,
-- since only DMs are looked up. Written by hand: Prisma cannot express partial indexes.
CREATE INDEX "relay_messages_dm_author_idx" ON "relay_messages"("discord_bot_id", "author_id") WHERE "is_dm";

CREATE INDEX "relay_messages_dm_channel_idx" ON "relay_messages"("discord_bot_id", "channel_id") WHERE "is_dm";
