import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DiscordRateLimitedError } from '@discord-backbone/discord';
import { PrismaService } from '@discord-backbone/prisma';
import { describeError } from '@discord-backbone/queue';
import { CampaignState, isSettled, loadCampaign } from '../campaign.state';
import { renderProgress } from '../campaign.view';
import { ProgressDelivery } from './progress.delivery';

/** Discord's guidance for message edits: at most about one per second per message. */
const EDIT_INTERVAL_MS = 1000;
/** Background edits that failed (Discord down) are tried again this often, a few times, then left to the next change. */
const RETRY_AFTER_FAILURE_MS = 2000;
const MAX_BACKGROUND_FAILURES = 5;
const SHUTDOWN_WAIT_MS = 3000;

/** One campaign's edits, one at a time. `queued`: an edit is waiting that has not read the database yet. */
interface Lane {
  chain: Promise<void>;
  queued: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps each campaign's progress message up to date, rendered from the database at the moment
 * of the edit, at most once a second per campaign (the slot is claimed in Postgres, so several
 * workers share it): changes that arrive while an edit waits are folded into it. Where the
 * message lives, which outlasts the 15-minute interaction token, is ProgressDelivery's business.
 */
@Injectable()
export class ProgressReporter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProgressReporter.name);
  private readonly lanes = new Map<string, Lane>();
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly delivery: ProgressDelivery,
  ) {}

  /** The message will show the campaign's state within about a second. Never throws: failures are retried in the background. */
  request(campaignId: string): void {
    if (this.stopping) return;
    const lane = this.lane(campaignId);
    if (lane.queued) return; // the waiting edit will read this change too
    lane.queued = true;
    lane.chain = lane.chain
      .then(() => this.editInLane(campaignId, lane))
      .catch((error: unknown) => this.afterFailure(campaignId, lane, error));
  }

  /**
   * A settled campaign (completed, failed, rolled back) whose final message is not shown yet:
   * shown now, and a failure thrown, so the task that settled it is retried until it is.
   */
  async settle(campaign: CampaignState): Promise<void> {
    if (!isSettled(campaign.status) || campaign.finalRenderedAt) return;
    const lane = this.lane(campaign.id);
    const edit = lane.chain.then(() => this.editInLane(campaign.id, lane));
    lane.chain = edit.catch(() => undefined);
    await edit;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    const pending = Promise.all([...this.lanes.values()].map((lane) => lane.chain));
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
  }

  private lane(campaignId: string): Lane {
    let lane = this.lanes.get(campaignId);
    if (!lane) {
      lane = { chain: Promise.resolve(), queued: false, failures: 0 };
      this.lanes.set(campaignId, lane);
    }
    return lane;
  }

  private async editInLane(campaignId: string, lane: Lane): Promise<void> {
    await this.waitForSlot(campaignId);
    lane.queued = false; // from here on, a change needs another edit
    await this.edit(campaignId);
    lane.failures = 0;
    if (!lane.queued && !lane.timer) this.lanes.delete(campaignId);
  }

  private afterFailure(campaignId: string, lane: Lane, error: unknown): void {
    lane.queued = false;
    if (this.stopping) return;
    lane.failures += 1;
    const { message } = describeError(error);
    const waitMs =
      error instanceof DiscordRateLimitedError
        ? error.retryAfterSeconds * 1000
        : RETRY_AFTER_FAILURE_MS * lane.failures;
    if (lane.failures > MAX_BACKGROUND_FAILURES && !(error instanceof DiscordRateLimitedError)) {
      this.logger.error({ msg: 'Progress message not updated; left to the next change', campaignId, error: message });
      lane.failures = 0;
      return;
    }
    this.logger.warn({
      msg: 'Progress message not updated; will try again',
      campaignId,
      error: message,
      retryInMs: waitMs,
    });
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.request(campaignId);
    }, waitMs);
    lane.timer.unref();
  }

  /** Claims this campaign's edit slot in Postgres (shared by every worker), waiting for it if the last edit was under a second ago. */
  private async waitForSlot(campaignId: string): Promise<void> {
    for (;;) {
      const claimed = await this.prisma.$executeRaw`
        UPDATE campaigns SET progress_edited_at = now()
        WHERE id = ${campaignId} AND (progress_edited_at IS NULL OR progress_edited_at <= now() - make_interval(secs => ${EDIT_INTERVAL_MS / 1000}))`;
      if (claimed > 0) return;
      const [row] = await this.prisma.$queryRaw<{ wait_ms: number }[]>`
        SELECT GREATEST(1, CEIL(EXTRACT(EPOCH FROM (progress_edited_at - now())) * 1000 + ${EDIT_INTERVAL_MS}))::int AS wait_ms
        FROM campaigns WHERE id = ${campaignId}`;
      if (!row) return; // no such campaign: the edit will find nothing
      await new Promise((resolve) => setTimeout(resolve, row.wait_ms));
    }
  }

  /**
   * Renders the campaign as it is now and delivers it. Edits can reach Discord out of order (a
   * slow answer, several workers): each takes the next render version with the state it renders,
   * and records it as shown once Discord confirms. An edit confirmed after a newer one has put an
   * older state over it — the final summary, perhaps — so the current state is rendered again.
   */
  private async edit(campaignId: string): Promise<void> {
    const campaign = await this.takeRenderVersion(campaignId);
    if (!campaign || (isSettled(campaign.status) && campaign.finalRenderedAt)) return;
    await this.delivery.deliver(campaign, renderProgress(campaign));
    const version = campaign.progressVersion;
    const { count: latest } = await this.prisma.campaign.updateMany({
      where: { id: campaignId, progressShownVersion: { lt: version } },
      data: { progressShownVersion: version },
    });
    if (latest === 0) {
      this.logger.warn({
        msg: 'A progress edit reached Discord after a newer one; rendering the current state again',
        campaignId,
        version,
      });
      await this.prisma.campaign.updateMany({ where: { id: campaignId }, data: { finalRenderedAt: null } });
      this.request(campaignId);
    } else if (isSettled(campaign.status)) {
      await this.prisma.campaign.updateMany({
        where: { id: campaignId, status: campaign.status, finalRenderedAt: null },
        data: { finalRenderedAt: new Date() },
      });
    }
  }

  /** The campaign with the next render version, read in the transaction that takes it: a later version never renders an older state. */
  private takeRenderVersion(campaignId: string): Promise<CampaignState | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.campaign.updateMany({
        where: { id: campaignId },
        data: { progressVersion: { increment: 1 } },
      });
      return count === 0 ? null : loadCampaign(tx, campaignId);
    });
  }
}
