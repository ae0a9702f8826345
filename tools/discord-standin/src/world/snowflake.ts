// Snowflakes as Discord makes them, from the current time (discord.js reads a message's creation
// time from its id): 18-19 digits, which @discordjs/rest needs to spot major parameters.
const DISCORD_EPOCH = 1420070400000n;
let lastSnowflake = 0n;
export const snowflake = () => {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastSnowflake = now > lastSnowflake ? now : lastSnowflake + 1n;
  return lastSnowflake.toString();
};
// A seeded object that existed before the test: its snowflake carries that creation time, with a
// sequence in the low bits so that several seeded at the same moment stay distinct.
let seededSequence = 0n;
export const snowflakeAt = (createdAt: Date) =>
  (((BigInt(createdAt.getTime()) - DISCORD_EPOCH) << 22n) | (seededSequence++ & 0xfffn)).toString();
export const timestampOf = (id: string) => new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH)).toISOString();
