import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
} from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { MAX_DISCORD_NAME_LENGTH } from '@discord-backbone/contracts';
import { CAMPAIGN_TEMPLATES, DEFAULT_TEMPLATE } from '../campaign-templates';

export const ADD_CAMPAIGN_COMMAND = 'add-campaign';

/**
 * The application's commands, as `npm run discord:commands` registers them (bulk overwrite).
 * Only in servers; shown by default to members with Manage Channels (server admins may change
 * that in their integration settings, which is why the endpoint checks the permission itself, on
 * the server: GuildPermissions).
 */
export function applicationCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: ADD_CAMPAIGN_COMMAND,
      description: 'Create a campaign: a role, a private category and its channels',
      default_member_permissions: PermissionFlagsBits.ManageChannels.toString(),
      contexts: [InteractionContextType.Guild],
      integration_types: [ApplicationIntegrationType.GuildInstall],
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'name',
          description: 'The campaign’s name',
          required: true,
          min_length: 1,
          max_length: MAX_DISCORD_NAME_LENGTH,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: 'template',
          description: `Which channels to create (default: ${CAMPAIGN_TEMPLATES.get(DEFAULT_TEMPLATE)?.label})`,
          required: false,
          choices: [...CAMPAIGN_TEMPLATES.values()].map((template) => ({ name: template.label, value: template.id })),
        },
      ],
    },
  ];
}
