import { BadRequestException, Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApplicationCommandType, ComponentType, InteractionResponseType, InteractionType } from 'discord.js';
import type { APIChatInputApplicationCommandInteraction, APIInteraction, APIInteractionResponse } from 'discord.js';
import { AuthenticatedBy } from '@discord-backbone/auth';
import { AddCampaignCommand } from './add-campaign.command';
import { CampaignButtonsHandler } from './campaign-buttons.handler';
import { ADD_CAMPAIGN_COMMAND } from './commands';
import { DiscordSignatureGuard } from './discord-signature.guard';
import { ephemeral } from './interaction-replies';

/**
 * Discord's HTTP interactions endpoint (the application's "Interactions Endpoint URL"). Discord
 * signs every request; DiscordSignatureGuard refuses anything it did not sign, so the body is
 * only read once it is known to come from Discord. Not behind the API key.
 */
@Controller('interactions')
@AuthenticatedBy('discord-signature')
@UseGuards(DiscordSignatureGuard)
export class InteractionsController {
  constructor(
    private readonly addCampaign: AddCampaignCommand,
    private readonly buttons: CampaignButtonsHandler,
  ) {}

  @Post()
  @HttpCode(200)
  async handle(@Body() interaction: APIInteraction): Promise<APIInteractionResponse> {
    switch (interaction?.type) {
      case InteractionType.Ping:
        return { type: InteractionResponseType.Pong };
      case InteractionType.ApplicationCommand:
        if (
          interaction.data.name === ADD_CAMPAIGN_COMMAND &&
          interaction.data.type === ApplicationCommandType.ChatInput
        ) {
          return this.addCampaign.handle(interaction as APIChatInputApplicationCommandInteraction);
        }
        return ephemeral(`Unknown command /${interaction.data.name}.`);
      case InteractionType.MessageComponent:
        if (interaction.data.component_type === ComponentType.Button) return this.buttons.handle(interaction);
        return ephemeral('This component does nothing.');
      default:
        throw new BadRequestException('Unsupported interaction type');
    }
  }
}
