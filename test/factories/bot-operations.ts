import { BotOperationType, InviteUserOperation } from '@discord-backbone/contracts';

/** An invite_user bot operation with fixed ids (two attempts allowed), for the specs that deliver or route one. */
export function inviteOperation(overrides: Partial<InviteUserOperation> = {}): InviteUserOperation {
  return {
    operationId: '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c',
    type: BotOperationType.INVITE_USER,
    discordUserId: '123456789012345678',
    channelId: '223456789012345678',
    subscriptionId: '9a1c2e4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    createdAt: '2026-11-22T10:00:00.000Z',
    maxRetries: 2,
    ...overrides,
  };
}
