-- A lease may be bound to its holder's database session (the relay's gateway leases): the
-- backend's pid and start time name that session, so another replica takes the lease over as soon
-- as the session is gone (its process killed, its connection terminated) instead of at expiry.
ALTER TABLE "deployment_leases" ADD COLUMN "holder_pid" INTEGER, ADD COLUMN "holder_session_start" TIMESTAMPTZ(6);
