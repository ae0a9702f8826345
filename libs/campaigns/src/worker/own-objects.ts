import { SnowflakeUtil } from 'discord.js';
import type { APIChannel, APIOverwrite, APIRole } from 'discord.js';

/** How far Discord's clock (in its snowflakes) and ours may disagree. */
export const CLOCK_SKEW_MS = 5000;

/** Discord made the object `id` at `since` or later (within the clock skew): snowflakes carry their creation time. */
export function createdSince(id: string, since: Date): boolean {
  return SnowflakeUtil.timestampFrom(id) >= since.getTime() - CLOCK_SKEW_MS;
}

/**
 * A role this code made for the campaign since `attemptedAt`: its name, no permissions, not an
 * integration's, mentionable — as created. A role that existed before, or differs in any of these,
 * is someone else's, whatever its name.
 */
export function isOwnRole(role: APIRole, name: string, attemptedAt: Date): boolean {
  return (
    role.name === name &&
    BigInt(role.permissions) === 0n &&
    !role.managed &&
    role.mentionable &&
    createdSince(role.id, attemptedAt)
  );
}

/** What this code sent to create a channel or category: the parts that are its fingerprint. */
export interface ChannelFingerprint {
  name: string;
  type: number;
  parentId: string | null;
  /** Exactly the overwrites the code writes: @everyone, the campaign's role, its creator, the bot. */
  overwrites: APIOverwrite[];
}

/** A channel (or category) this code made for the campaign since `attemptedAt`: its name, type, place and exactly its overwrites. */
export function isOwnChannel(channel: APIChannel, expected: ChannelFingerprint, attemptedAt: Date): boolean {
  if (Number(channel.type) !== expected.type || !('name' in channel) || channel.name !== expected.name) return false;
  const parentId = 'parent_id' in channel ? (channel.parent_id ?? null) : null;
  const overwrites = 'permission_overwrites' in channel ? (channel.permission_overwrites ?? []) : [];
  return (
    parentId === expected.parentId &&
    sameOverwrites(overwrites, expected.overwrites) &&
    createdSince(channel.id, attemptedAt)
  );
}

function sameOverwrites(actual: APIOverwrite[], expected: APIOverwrite[]): boolean {
  const key = (o: APIOverwrite) => `${o.id}/${o.type}/${BigInt(o.allow ?? '0')}/${BigInt(o.deny ?? '0')}`;
  const wanted = new Set(expected.map(key));
  return actual.length === expected.length && actual.every((o) => wanted.has(key(o)));
}
