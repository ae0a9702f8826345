/**
 * The Postgres NOTIFY channel on which a new leasable delivery is announced (payload: the backend
 * bot's id): ingest, nack and redrive notify, long-polling leases LISTEN. Delivered on commit.
 */
export const DELIVERY_CHANNEL = 'relay_deliveries';
