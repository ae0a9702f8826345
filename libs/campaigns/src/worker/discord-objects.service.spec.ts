import {
  DiscordInvalidRequestBudgetError,
  DiscordInvalidRequestError,
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordRestClient,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
} from '@discord-backbone/discord';
import type { CampaignStep } from '@discord-backbone/prisma';
import { CampaignStepKind, CampaignStepStatus } from '@discord-backbone/prisma';
import { CampaignState } from '../campaign.state';
import { CampaignStore } from './campaign.store';
import { DiscordObjectsService } from './discord-objects.service';

const role: CampaignStep = {
  campaignId: 'c1',
  position: 0,
  kind: CampaignStepKind.role,
  name: 'Staff Members',
  channelType: null,
  gmOnly: false,
  description: '',
  status: CampaignStepStatus.pending,
  discordId: null,
  attemptedAt: null,
  error: null,
  doneAt: null,
  updatedAt: new Date(),
};
const campaign = {
  id: 'c1',
  guildId: '400000000000000000',
  invokerId: '500000000000000000',
  name: 'Staff',
  steps: [role],
} as unknown as CampaignState;

/** ensure() of the role step, whose create call fails with `error`: whether the "attempted" mark was cleared. */
async function markClearedAfter(error: Error): Promise<boolean> {
  const store = { markAttempted: jest.fn(), clearAttempted: jest.fn(), markCreated: jest.fn() };
  const discord = { createRole: jest.fn().mockRejectedValue(error) };
  const objects = new DiscordObjectsService(discord as unknown as DiscordRestClient, store as unknown as CampaignStore);
  await expect(objects.ensure(campaign, role)).rejects.toBe(error);
  expect(store.markAttempted).toHaveBeenCalledWith('c1', 0);
  expect(store.markCreated).not.toHaveBeenCalled();
  return store.clearAttempted.mock.calls.length > 0;
}

describe('DiscordObjectsService.ensure: the "attempted" mark', () => {
  it('is cleared when the create cannot have made anything: Discord refused it, or it was never sent', async () => {
    expect(
      await markClearedAfter(
        new DiscordRateLimitedError('429 (or the client refusing an exhausted bucket)', 3, 'user', false),
      ),
    ).toBe(true);
    expect(await markClearedAfter(new DiscordInvalidRequestBudgetError('invalid-request budget spent', 60))).toBe(true);
    expect(await markClearedAfter(new DiscordMissingPermissionsError('403', 403, 50013))).toBe(true);
    expect(await markClearedAfter(new DiscordInvalidRequestError('400', 400, 50035))).toBe(true);
    expect(await markClearedAfter(new DiscordUnauthorizedError('401'))).toBe(true);
  });

  it('stays when the outcome is unknown (5xx, timeout, anything else): the object may exist and is looked for next time', async () => {
    expect(await markClearedAfter(new DiscordUnavailableError('502 Bad Gateway', 502))).toBe(false);
    expect(
      await markClearedAfter(new DiscordUnavailableError('Discord unreachable or too slow: AbortError', undefined)),
    ).toBe(false);
    expect(await markClearedAfter(new Error('socket hang up'))).toBe(false);
  });
});
