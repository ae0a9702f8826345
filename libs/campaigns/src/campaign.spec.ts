import { CampaignTaskType } from '@discord-backbone/contracts';
import type { CampaignStep } from '@discord-backbone/prisma';
import { CampaignProgressVia, CampaignStatus, CampaignStepKind, CampaignStepStatus } from '@discord-backbone/prisma';
import { nextTasks, rollbackTask, stepPositionOf } from './campaign-tasks';
import { parseTemplate } from './campaign-templates';
import { CampaignState } from './campaign.state';
import { buttonId, parseButtonId, progressBar, renderProgress } from './campaign.view';

const ID = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';

/** A campaign of the given status with a role, a category and `channels` channels, the first `created` of them created. */
function campaignState(
  status: CampaignStatus,
  channels: number,
  created: number,
  overrides: Partial<CampaignState> = {},
): CampaignState {
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n));
  const step = (
    position: number,
    kind: CampaignStepKind,
    name: string,
    channelType: number | null,
    done: boolean,
    extra: Partial<CampaignStep> = {},
  ): CampaignStep => ({
    campaignId: ID,
    position,
    kind,
    name,
    channelType,
    gmOnly: false,
    description: '',
    status: done ? CampaignStepStatus.created : CampaignStepStatus.pending,
    discordId: done ? String(100000000000000000n + BigInt(position)) : null,
    attemptedAt: null,
    error: null,
    doneAt: done ? at(position) : null,
    updatedAt: at(0),
    ...extra,
  });
  const types = [0, 2, 15, 5];
  return {
    id: ID,
    interactionId: '200000000000000000',
    applicationId: '300000000000000000',
    guildId: '400000000000000000',
    invokerId: '500000000000000000',
    name: 'My Campaign',
    template: 'standard',
    status,
    error: null,
    round: 0,
    progressVia: CampaignProgressVia.interaction,
    progressChannelId: '600000000000000000',
    progressMessageId: null,
    statusChannelId: null,
    statusMessageId: null,
    progressEditedAt: null,
    finalRenderedAt: null,
    rateLimitedUntil: null,
    createdAt: at(0),
    updatedAt: at(0),
    finishedAt: null,
    progressVersion: 0,
    progressShownVersion: 0,
    steps: [
      step(0, CampaignStepKind.role, 'My Campaign Members', null, true),
      step(1, CampaignStepKind.category, 'My Campaign', 4, true),
      ...Array.from({ length: channels }, (_, i) =>
        step(2 + i, CampaignStepKind.channel, `channel-${i + 1}`, types[i % types.length], i < created, {
          gmOnly: i === channels - 1,
        }),
      ),
    ],
    ...overrides,
  };
}

describe('progressBar', () => {
  it('draws the spec’s bar', () => {
    expect(progressBar(6, 10)).toBe('[████████████░░░░░░░░] 60% (6/10)');
    expect(progressBar(10, 10)).toBe('[████████████████████] 100% (10/10)');
    expect(progressBar(0, 10)).toBe('[░░░░░░░░░░░░░░░░░░░░] 0% (0/10)');
    expect(progressBar(1, 3)).toBe('[██████░░░░░░░░░░░░░░] 33% (1/3)');
  });
});

describe('renderProgress', () => {
  it('shows a running campaign in the spec’s format: title, bar, the channel just created; no buttons', () => {
    const view = renderProgress(campaignState(CampaignStatus.running, 10, 6));
    expect(view.content).toBe(
      [
        '🏗️ Creating Campaign: My Campaign',
        '',
        '[████████████░░░░░░░░] 60% (6/10)',
        '',
        '✅ Created: channel-6 (Voice)',
      ].join('\n'),
    );
    expect(view.components).toEqual([]);
    expect(view.allowed_mentions).toEqual({ parse: [] });
  });

  it('says what it is waiting for: the role, the category, Discord’s rate limit', () => {
    const state = campaignState(CampaignStatus.running, 10, 0);
    state.steps[0] = { ...state.steps[0], status: CampaignStepStatus.pending, discordId: null };
    expect(renderProgress(state).content).toContain('⏳ Creating the role My Campaign Members…');
    const now = new Date();
    const limited = campaignState(CampaignStatus.running, 10, 3, {
      rateLimitedUntil: new Date(now.getTime() + 42_000),
    });
    expect(renderProgress(limited, now).content).toContain('continuing in about 42 s');
  });

  it('summarises a completed campaign: role, category, every channel with its type', () => {
    const { content, components } = renderProgress(campaignState(CampaignStatus.completed, 4, 4));
    expect(content.split('\n')).toEqual([
      '✅ Campaign ready: My Campaign',
      '',
      '[████████████████████] 100% (4/4)',
      '',
      'Role: <@&100000000000000000>',
      'Category: My Campaign',
      'Channels:',
      '• <#100000000000000002> · Text',
      '• <#100000000000000003> · Voice',
      '• <#100000000000000004> · Forum',
      '• <#100000000000000005> · Announcement · GM only',
    ]);
    expect(components).toEqual([]);
  });

  it('shows a failure with its reason, what exists, and the Retry and Roll back buttons', () => {
    const view = renderProgress(
      campaignState(CampaignStatus.failed, 10, 3, {
        error: 'The bot lacks a permission it needs: Discord 403 Missing Permissions',
      }),
    );
    expect(view.content).toContain('❌ Campaign failed: My Campaign');
    expect(view.content).toContain('Reason: The bot lacks a permission it needs: Discord 403 Missing Permissions');
    expect(view.content).toContain('Created so far: the role, the category, 3 of 10 channels.');
    expect(view.components[0].components.map((b) => [b.label, b.custom_id])).toEqual([
      ['Retry', `campaign:retry:${ID}`],
      ['Roll back', `campaign:rollback:${ID}`],
    ]);
  });

  it('shows a rollback and its result', () => {
    expect(renderProgress(campaignState(CampaignStatus.rolling_back, 10, 3)).content).toContain(
      'Deleting 3 channels, the category and the role…',
    );
    const rolledBack = campaignState(CampaignStatus.rolled_back, 10, 0);
    rolledBack.steps = rolledBack.steps.map((s) => (s.position < 4 ? { ...s, status: CampaignStepStatus.deleted } : s));
    expect(renderProgress(rolledBack).content).toBe(
      '↩️ Campaign rolled back: My Campaign\n\nDeleted 2 channels, the category and the role.',
    );
  });

  it('stays within Discord’s 2,000 characters, saying how many lines it left out', () => {
    const long = campaignState(CampaignStatus.completed, 50, 50, { name: 'x'.repeat(100) });
    // The longest lines there can be: 19-digit ids, GM-only announcement channels.
    long.steps = long.steps.map((s) =>
      s.kind === CampaignStepKind.channel ? { ...s, discordId: `1${s.discordId}`, channelType: 5, gmOnly: true } : s,
    );
    const { content } = renderProgress(long);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toMatch(/… and \d+ more$/);
  });
});

describe('button ids', () => {
  it('round-trip, and anything else is not ours', () => {
    expect(parseButtonId(buttonId('rollback', ID))).toEqual({ action: 'rollback', campaignId: ID });
    for (const other of ['campaign:delete:' + ID, 'campaign:retry:1', 'retry', ''])
      expect(parseButtonId(other)).toBeUndefined();
  });
});

describe('nextTasks', () => {
  const pending = (state: CampaignState, positions: number[]) => {
    state.steps = state.steps.map((s) =>
      positions.includes(s.position) ? { ...s, status: CampaignStepStatus.pending, discordId: null } : s,
    );
    return state;
  };

  it('queues the role first, then the category, each alone', () => {
    const [role] = nextTasks(pending(campaignState(CampaignStatus.running, 3, 0), [0, 1]));
    expect(role.task).toEqual({
      task_type: 'create_role',
      campaign_id: ID,
      application_id: '300000000000000000',
      guild_id: '400000000000000000',
      campaign_name: 'My Campaign',
      role_name: 'My Campaign Members',
    });
    expect(nextTasks(pending(campaignState(CampaignStatus.running, 3, 0), [0, 1]))).toHaveLength(1);
    expect(nextTasks(pending(campaignState(CampaignStatus.running, 3, 0), [1])).map((t) => t.task)).toEqual([
      expect.objectContaining({ task_type: 'create_category', campaign_role_id: '100000000000000000' }),
    ]);
  });

  it('then every channel still missing (the spec’s create_channel) and the completion, grouped by guild, deduplicated by campaign, round and step', () => {
    const tasks = nextTasks(campaignState(CampaignStatus.running, 4, 1, { round: 2 }));
    expect(tasks.map((t) => t.task.task_type)).toEqual([
      'create_channel',
      'create_channel',
      'create_channel',
      'complete',
    ]);
    expect(tasks[0].task).toEqual({
      task_type: 'create_channel',
      campaign_id: ID,
      application_id: '300000000000000000',
      guild_id: '400000000000000000',
      campaign_name: 'My Campaign',
      channel_config: { name: 'channel-2', type: 2, gm_only: false, description: '' },
      category_id: '100000000000000001',
      campaign_role_id: '100000000000000000',
      current: 2,
      total: 4,
    });
    expect(tasks.at(-1)!.task).toMatchObject({
      role_name: 'My Campaign Members',
      created_channels: [
        { name: 'channel-1', type: 'Text', gm_only: false },
        expect.anything(),
        expect.anything(),
        { name: 'channel-4', type: 'Announcement', gm_only: true },
      ],
    });
    expect(tasks.map((t) => t.messageGroupId)).toEqual(Array(4).fill('400000000000000000'));
    expect(tasks.map((t) => t.deduplicationId)).toEqual([
      `${ID}:2:channel-2`,
      `${ID}:2:channel-3`,
      `${ID}:2:channel-4`,
      `${ID}:2:complete`,
    ]);
    expect(tasks.map((t) => stepPositionOf(t.task))).toEqual([3, 4, 5, undefined]);
    expect(JSON.stringify(tasks)).not.toContain('token');
  });

  it('a rollback is one task of its round', () => {
    expect(rollbackTask(campaignState(CampaignStatus.rolling_back, 4, 2, { round: 3 }))).toMatchObject({
      task: { task_type: CampaignTaskType.ROLLBACK },
      deduplicationId: `${ID}:3:rollback`,
    });
  });
});

describe('parseTemplate', () => {
  const channel = { name: 'general', type: 0, gm_only: false, description: 'General discussion' };

  it('accepts a valid template', () => {
    expect(
      parseTemplate('t', { label: 'T', channels: [channel, { ...channel, name: 'Voice Room', type: 2 }] }).channels,
    ).toHaveLength(2);
  });

  it.each([
    [{ label: 'T', channels: [] }, /1–50 channels/],
    [{ label: 'T', channels: Array.from({ length: 51 }, (_, i) => ({ ...channel, name: `c${i}` })) }, /1–50 channels/],
    [{ label: 'T', channels: [channel, channel] }, /two channels are named "general"/],
    [
      { label: 'T', channels: [{ ...channel, name: 'Session Notes' }] },
      /"Session Notes" is not a name Discord keeps as is/,
    ],
    [{ label: 'T', channels: [{ ...channel, type: 4 }] }, /channel 1: type: type must be one of/],
    [{ label: 'T', channels: [{ ...channel, extra: true }] }, /channel 1: .*extra should not exist/],
    [{ channels: [channel] }, /label/],
  ])('refuses %j', (data, problem) => {
    expect(() => parseTemplate('t', data)).toThrow(problem);
  });
});
