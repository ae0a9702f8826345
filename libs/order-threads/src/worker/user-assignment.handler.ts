import { Injectable } from '@nestjs/common';
import { AssignUserMessage, BackendResponseType } from '@discord-backbone/contracts';
import { DiscordRestClient } from '@discord-backbone/discord';
import { BackendResponsePublisher } from './backend-response.publisher';
import { ThreadLookup } from './thread.lookup';

/** assign_user: adds the assignee to the order's thread (a PUT: idempotent by itself). */
@Injectable()
export class UserAssignmentHandler {
  constructor(
    private readonly threads: ThreadLookup,
    private readonly discord: DiscordRestClient,
    private readonly responses: BackendResponsePublisher,
  ) {}

  async handle(message: AssignUserMessage): Promise<void> {
    const { payload, metadata } = message;
    const threadId = await this.threads.threadOf(metadata.entity_type, metadata.order_id);
    await this.discord.addThreadMember(threadId, payload.assigned_discord_id);
    await this.responses.send(
      message,
      BackendResponseType.USER_ASSIGNED,
      { success: true, thread_id: threadId, discord_id: payload.assigned_discord_id },
      null,
    );
  }
}
