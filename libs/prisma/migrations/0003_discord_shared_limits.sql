-- Discord's limits shared by every process that uses a bot token (libs/discord/src/postgres-discord-rate-limiter.ts)
-- and the invalid-request count of everything behind one egress address (postgres-invalid-request.count.ts).
-- Rows are keyed by a hash of the bot token, never the token.

-- CreateTable
CREATE TABLE "discord_rate_limits" (
    "token_hash" TEXT NOT NULL,
    "next_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "discord_rate_limits_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "discord_rate_routes" (
    "token_hash" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "discord_rate_routes_pkey" PRIMARY KEY ("token_hash","route")
);

-- CreateTable
CREATE TABLE "discord_rate_buckets" (
    "token_hash" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,
    "reset_at" TIMESTAMPTZ(6) NOT NULL,
    "window_ms" INTEGER NOT NULL,

    CONSTRAINT "discord_rate_buckets_pkey" PRIMARY KEY ("token_hash","bucket")
);

-- CreateTable
CREATE TABLE "discord_invalid_requests" (
    "egress" TEXT NOT NULL,
    "slot" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "discord_invalid_requests_pkey" PRIMARY KEY ("egress","slot")
);
