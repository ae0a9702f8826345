import { PermissionFlagsBits } from 'discord.js';

/** What the bot may do in a seeded guild unless told otherwise. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.KickMembers;

/** What a bot that creates campaigns needs: the above plus managing channels, reading history, voice. */
export const CAMPAIGN_BOT_PERMISSIONS =
  DEFAULT_BOT_PERMISSIONS |
  PermissionFlagsBits.ManageChannels |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;
