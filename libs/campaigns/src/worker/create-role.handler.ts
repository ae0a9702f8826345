import { Injectable } from '@nestjs/common';
import { CreateRoleTask } from '@discord-backbone/contracts';
import { CampaignStatus } from '@discord-backbone/prisma';
import { nextTasks } from '../campaign-tasks';
import { isCreated, ROLE_POSITION, stepAt } from '../campaign.state';
import { CampaignTaskSender } from './campaign-task.sender';
import { CampaignStore } from './campaign.store';
import { DiscordObjectsService } from './discord-objects.service';
import { GuildRoom } from './guild-room';
import { ProgressReporter } from './progress.reporter';

/**
 * The campaign's first step: the pre-flight (a campaign that cannot fit fails at once, with the
 * reason in its progress message), the role, the role for its creator, then the category's task.
 */
@Injectable()
export class CreateRoleHandler {
  constructor(
    private readonly store: CampaignStore,
    private readonly room: GuildRoom,
    private readonly objects: DiscordObjectsService,
    private readonly sender: CampaignTaskSender,
    private readonly progress: ProgressReporter,
  ) {}

  async handle(task: CreateRoleTask): Promise<void> {
    const campaign = await this.store.require(task.campaign_id);
    if (campaign.status !== CampaignStatus.running) return this.progress.settle(campaign);
    let role = stepAt(campaign, ROLE_POSITION);
    if (!isCreated(role)) {
      const problem = await this.room.check(campaign);
      if (problem) {
        await this.store.fail(campaign.id, problem);
        return this.progress.settle(await this.store.require(campaign.id));
      }
      this.progress.request(campaign.id);
      role = { ...role, discordId: await this.objects.ensure(campaign, role) };
    }
    await this.objects.giveRoleToInvoker(campaign, role.discordId!);
    await this.sender.send(nextTasks(await this.store.require(campaign.id)));
  }
}
