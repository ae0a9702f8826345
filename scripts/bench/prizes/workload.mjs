// The prize bench's world and workload: the seeded community, its item types and users, and
// ITEM_AWARDED events with the effects they must have.
import { randomUUID } from 'node:crypto';

const GUILD_ID = '100000000000000001';
export const USERS = 1000; // linked accounts
const UNLINKED = 200; // Discord ids without a user: their grants become pending ownerships
/** The idempotency key of an event in processed_messages: this prefix, then its eventId. */
export const KEY_PREFIX = 'prize-distribution:event:';

export async function seed(pool) {
  const communityId = randomUUID();
  const stackableId = randomUUID();
  const uniqueId = randomUUID();
  await pool.query('INSERT INTO communities (id, name, discord_guild_id) VALUES ($1, $2, $3)', [
    communityId,
    'Bench Guild',
    GUILD_ID,
  ]);
  await pool.query(
    'INSERT INTO item_types (id, community_id, name, stackable) VALUES ($1, $3, $4, true), ($2, $3, $5, false)',
    [stackableId, uniqueId, communityId, 'Gold', 'Sword'],
  );
  const users = Array.from({ length: USERS }, (_, i) => ({ id: randomUUID(), discordUserId: snowflake(2, i) }));
  await pool.query(
    'INSERT INTO users (id, username, discord_user_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
    [users.map((u) => u.id), users.map((_, i) => `bench-user-${i}`), users.map((u) => u.discordUserId)],
  );
  const unlinked = Array.from({ length: UNLINKED }, (_, i) => snowflake(3, i));
  return { communityId, stackableId, uniqueId, users, unlinked };
}

/** 18-digit Discord-style id: a leading digit per population, then a zero-padded index. */
function snowflake(lead, i) {
  return `${lead}${String(i).padStart(17, '0')}`;
}

/**
 * ITEM_AWARDED events with unique eventIds — 85 % stackable to linked users, 10 % to unlinked
 * ids (pending), 5 % non-stackable to linked users — and the effects they must have.
 */
export function makeEvents(world, count, phase) {
  const expected = { processed: count, stacks: new Map(), unitRows: 0, pendingRows: 0, pendingQty: 0 };
  const events = [];
  for (let i = 0; i < count; i += 1) {
    const r = Math.random();
    const event = {
      eventType: 'ITEM_AWARDED',
      discordGuildId: GUILD_ID,
      eventId: `bench-${phase}-${i}-${randomUUID()}`,
    };
    if (r < 0.85) {
      const user = pick(world.users);
      Object.assign(event, {
        discordUserId: user.discordUserId,
        itemTypeId: world.stackableId,
        quantity: 1 + randInt(10),
      });
      const key = `${user.id}:${world.stackableId}`;
      expected.stacks.set(key, (expected.stacks.get(key) ?? 0) + event.quantity);
    } else if (r < 0.95) {
      const itemTypeId = Math.random() < 0.7 ? world.stackableId : world.uniqueId;
      Object.assign(event, { discordUserId: pick(world.unlinked), itemTypeId, quantity: 1 + randInt(5) });
      expected.pendingRows += 1;
      expected.pendingQty += event.quantity;
    } else {
      Object.assign(event, {
        discordUserId: pick(world.users).discordUserId,
        itemTypeId: world.uniqueId,
        quantity: 1 + randInt(3),
      });
      expected.unitRows += event.quantity;
    }
    events.push(event);
  }
  return { events, expected };
}

const pick = (items) => items[randInt(items.length)];
const randInt = (n) => Math.floor(Math.random() * n);
