import { PrismaClient } from '@discord-backbone/prisma';
import { http } from '../support/http';
import { OrderThreadsRig, seedParticipants, ThreadedView } from '../support/order-threads';

/** The Discord route a thread is created on (`POST /channels/:id/threads`), for the fake's `failNext`. */
export const THREAD_CREATE = /\/channels\/\d+\/threads$/;

/** A fault of the fake Discord on thread creation: what it answers instead (status, code, message, retry-after, times). */
export function threadCreateFails<T extends { status: number }>(fault: T) {
  return { method: 'POST', path: THREAD_CREATE, ...fault };
}

/** Seeds the customer and community of the rig's guild, then places an order with them through `POST /orders`. */
export async function placeOrder(prisma: PrismaClient, rig: OrderThreadsRig, url: string, title: string) {
  const participants = await seedParticipants(prisma, rig);
  const { body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
    title,
    customerId: participants.customer.id,
    communityId: participants.community.id,
  });
  return { ...participants, order };
}

/** A create_thread request on the Discord queue (thread-queue-handoff.md), for the order `metadata.order_id` names. */
export function createThread(payload: Record<string, unknown>, metadata: { order_id: string; created_at?: string }) {
  return {
    type: 'create_thread',
    payload,
    metadata: { entity_type: 'order', created_at: new Date().toISOString(), retry_count: 0, ...metadata },
  };
}

/**
 * An answer on the backend queue about the order `originalOrderId`: the spec's metadata (no Discord message,
 * created now) with whatever `metadata` adds or replaces.
 */
export function backendAnswer(
  type: 'thread_created' | 'error',
  originalOrderId: string,
  payload: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
) {
  return {
    type,
    payload,
    metadata: {
      discord_message_id: null,
      created_at: new Date().toISOString(),
      original_order_id: originalOrderId,
      ...metadata,
    },
  };
}

/** A thread_created answer: the thread and invite the bot reports, from its message 123456789012345679. */
export function threadCreatedAnswer(
  originalOrderId: string,
  thread: { threadId: string; inviteCode: string },
  metadata: Record<string, unknown> = {},
) {
  return backendAnswer(
    'thread_created',
    originalOrderId,
    { thread_id: thread.threadId, invite_code: thread.inviteCode, success: true },
    { discord_message_id: '123456789012345679', ...metadata },
  );
}
