import type { Campaign, CampaignStep } from '@discord-backbone/prisma';
import { CampaignStatus, CampaignStepKind, CampaignStepStatus, PrismaTx } from '@discord-backbone/prisma';

/** A campaign with its steps in creation order: everything the progress message and the next tasks are made from. */
export type CampaignState = Campaign & { steps: CampaignStep[] };

/** The role is step 0, the category step 1, channels from 2 on (channel `current` n is position n + 1). */
export const ROLE_POSITION = 0;
export const CATEGORY_POSITION = 1;
export const FIRST_CHANNEL_POSITION = 2;

/** The columns read here never include the interaction token: it is in its own table. */
export function loadCampaign(db: Pick<PrismaTx, 'campaign'>, id: string): Promise<CampaignState | null> {
  return db.campaign.findUnique({ where: { id }, include: { steps: { orderBy: { position: 'asc' } } } });
}

export function stepAt(campaign: CampaignState, position: number): CampaignStep {
  const step = campaign.steps.find((s) => s.position === position);
  if (!step) throw new Error(`Campaign ${campaign.id} has no step ${position}`);
  return step;
}

export function channelSteps(campaign: CampaignState): CampaignStep[] {
  return campaign.steps.filter((s) => s.kind === CampaignStepKind.channel);
}

export function isCreated(step: CampaignStep): step is CampaignStep & { discordId: string } {
  return step.status === CampaignStepStatus.created && step.discordId !== null;
}

/** Nothing more will happen to it unless someone presses a button. */
export function isSettled(status: CampaignStatus): boolean {
  return (
    status === CampaignStatus.completed || status === CampaignStatus.failed || status === CampaignStatus.rolled_back
  );
}

/** `My Campaign` → `My Campaign Members` (the spec's role name), within Discord's 100 characters. */
export function roleNameFor(campaignName: string): string {
  const suffix = ' Members';
  return `${campaignName.slice(0, 100 - suffix.length)}${suffix}`;
}
