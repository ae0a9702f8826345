-- CreateTable
CREATE TABLE "scheduled_runs" (
    "name" TEXT NOT NULL,
    "last_run_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scheduled_runs_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "deployment_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "fence" BIGINT NOT NULL DEFAULT 1,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "deployment_leases_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "relay_rate_windows" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "relay_rate_windows_pkey" PRIMARY KEY ("key","window_start")
);
