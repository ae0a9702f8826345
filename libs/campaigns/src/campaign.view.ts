import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIButtonComponentWithCustomId } from 'discord.js';
import { CAMPAIGN_CHANNEL_TYPE_NAMES, CampaignChannelType } from '@discord-backbone/contracts';
import { CampaignStatus, CampaignStepKind, CampaignStepStatus } from '@discord-backbone/prisma';
import { CampaignState, CATEGORY_POSITION, channelSteps, isCreated, ROLE_POSITION, stepAt } from './campaign.state';

/** The progress message: what every edit (and a button's answer) sends. */
export interface ProgressView {
  content: string;
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  /** Names in the message (the campaign's, a role) never ping anyone. */
  allowed_mentions: { parse: [] };
}

export type CampaignButtonAction = 'retry' | 'rollback';

const MAX_CONTENT = 2000;
const MAX_REASON = 400;

/** The spec's bar: `[████████████░░░░░░░░] 60% (6/10)`. */
export function progressBar(current: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.floor((current / total) * width);
  const percentage = total === 0 ? 100 : Math.floor((current / total) * 100);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percentage}% (${current}/${total})`;
}

/**
 * The progress message, rendered from the database alone: counts only grow while the campaign
 * runs, so an edit can never show less than an earlier one. A failed campaign carries the Retry
 * and Roll back buttons; every other state carries none.
 */
export function renderProgress(campaign: CampaignState, now: Date = new Date()): ProgressView {
  const channels = channelSteps(campaign);
  const created = channels.filter(isCreated);
  const bar = progressBar(created.length, channels.length);
  const role = stepAt(campaign, ROLE_POSITION);
  const category = stepAt(campaign, CATEGORY_POSITION);
  let lines: string[];
  switch (campaign.status) {
    case CampaignStatus.running: {
      const latest = [...created].sort((a, b) => (a.doneAt?.getTime() ?? 0) - (b.doneAt?.getTime() ?? 0)).at(-1);
      const current = !isCreated(role)
        ? `⏳ Creating the role ${role.name}…`
        : !isCreated(category)
          ? `⏳ Creating the category ${category.name}…`
          : latest
            ? `✅ Created: ${latest.name} (${typeName(latest.channelType)})`
            : '⏳ Creating the channels…';
      const waitSeconds = campaign.rateLimitedUntil
        ? Math.ceil((campaign.rateLimitedUntil.getTime() - now.getTime()) / 1000)
        : 0;
      lines = [`🏗️ Creating Campaign: ${campaign.name}`, '', bar, '', current];
      if (waitSeconds > 0) lines.push(`⏳ Discord asked us to slow down: continuing in about ${waitSeconds} s.`);
      break;
    }
    case CampaignStatus.completed:
      lines = [
        `✅ Campaign ready: ${campaign.name}`,
        '',
        bar,
        '',
        `Role: <@&${role.discordId}>`,
        `Category: ${category.name}`,
        'Channels:',
        ...created.map(
          (step) => `• <#${step.discordId}> · ${typeName(step.channelType)}${step.gmOnly ? ' · GM only' : ''}`,
        ),
      ];
      break;
    case CampaignStatus.failed: {
      const made = [
        isCreated(role) ? 'the role' : '',
        isCreated(category) ? 'the category' : '',
        created.length > 0 ? `${created.length} of ${channels.length} channels` : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines = [
        `❌ Campaign failed: ${campaign.name}`,
        '',
        bar,
        '',
        `Reason: ${clip(campaign.error ?? 'unknown', MAX_REASON)}`,
        made ? `Created so far: ${made}.` : 'Nothing was created.',
        'Retry creates what is missing; Roll back deletes what this campaign created.',
      ];
      break;
    }
    case CampaignStatus.rolling_back: {
      const left = campaign.steps.filter(isCreated);
      lines = [`↩️ Rolling back campaign: ${campaign.name}`, '', `Deleting ${describe(left)}…`];
      break;
    }
    case CampaignStatus.rolled_back: {
      const deleted = campaign.steps.filter((s) => s.status === CampaignStepStatus.deleted);
      lines = [
        `↩️ Campaign rolled back: ${campaign.name}`,
        '',
        deleted.length > 0 ? `Deleted ${describe(deleted)}.` : 'Nothing had been created.',
      ];
      break;
    }
  }
  return {
    content: fit(lines),
    components: campaign.status === CampaignStatus.failed ? [buttons(campaign.id)] : [],
    allowed_mentions: { parse: [] },
  };
}

export function buttonId(action: CampaignButtonAction, campaignId: string): string {
  return `campaign:${action}:${campaignId}`;
}

/** The action and campaign a button's custom_id names, if it is one of ours. */
export function parseButtonId(customId: string): { action: CampaignButtonAction; campaignId: string } | undefined {
  const match = /^campaign:(retry|rollback):([0-9a-f-]{36})$/.exec(customId);
  return match ? { action: match[1] as CampaignButtonAction, campaignId: match[2] } : undefined;
}

function buttons(campaignId: string): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: 'Retry',
        custom_id: buttonId('retry', campaignId),
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: 'Roll back',
        custom_id: buttonId('rollback', campaignId),
      },
    ],
  };
}

function typeName(channelType: number | null): string {
  return CAMPAIGN_CHANNEL_TYPE_NAMES[channelType as CampaignChannelType] ?? 'Channel';
}

/** `3 channels, the category and the role`. */
function describe(steps: { kind: CampaignStepKind }[]): string {
  const channels = steps.filter((s) => s.kind === CampaignStepKind.channel).length;
  const parts = [
    channels > 0 ? `${channels} channel${channels === 1 ? '' : 's'}` : '',
    steps.some((s) => s.kind === CampaignStepKind.category) ? 'the category' : '',
    steps.some((s) => s.kind === CampaignStepKind.role) ? 'the role' : '',
  ].filter(Boolean);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'nothing');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Within Discord's 2,000 characters: whole lines, and a count of those left out. */
function fit(lines: string[]): string {
  const content = lines.join('\n');
  if (content.length <= MAX_CONTENT) return content;
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const more = `… and ${lines.length - index} more`;
    if (length + line.length + 1 + more.length > MAX_CONTENT) return [...kept, more].join('\n');
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}
