import type { Message } from '@aws-sdk/client-sqs';
import {
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordUnavailableError,
} from '@discord-backbone/discord';
import { MessageValidationError, RetriesExhaustedError, UnknownMessageTypeError } from '@discord-backbone/queue';
import { inviteOperation } from '../../../../test/factories/bot-operations';
import { BotOperationRecorder } from './bot-operation.recorder';
import { BotOperationRoute } from './bot-operation.route';
import { InviteUserHandler } from './invite-user.handler';
import { RemoveUserHandler } from './remove-user.handler';
import { VerifyPermissionsHandler } from './verify-permissions.handler';

describe('BotOperationRoute', () => {
  const invite = { handle: jest.fn() };
  const recorder = { done: jest.fn(), attemptFailed: jest.fn(), failed: jest.fn() };
  const route = new BotOperationRoute(
    invite as unknown as InviteUserHandler,
    {} as RemoveUserHandler,
    {} as VerifyPermissionsHandler,
    recorder as unknown as BotOperationRecorder,
  );
  const operation = inviteOperation();
  // A FIFO hand-back or rate-limit wait raises the receive count but not the attempt number.
  const context = (attempt: number) => ({ message: {} as Message, receiveCount: attempt + 5, attempt });

  beforeEach(() => jest.resetAllMocks());

  it('decodes each operation type with its contract class', () => {
    expect(route.decode({ ...operation })).toMatchObject(operation);
  });

  it('dead-letters an unknown type, a missing type and a broken contract as permanent errors', () => {
    expect(() => route.decode({ ...operation, type: 'BAN_USER' })).toThrow(UnknownMessageTypeError);
    expect(() => route.decode({ ...operation, type: undefined })).toThrow(MessageValidationError);
    expect(() => route.decode({ ...operation, discordUserId: 'bob' })).toThrow(
      /discordUserId must be a Discord ID of 17–20 digits/,
    );
    expect(() => route.decode({ ...operation, extra: 1 })).toThrow(MessageValidationError);
  });

  it('records the result with the attempt number', async () => {
    invite.handle.mockResolvedValue({ outcome: 'applied', access: 'role' });
    await route.handle(operation, context(2));
    expect(recorder.done).toHaveBeenCalledWith(operation, { outcome: 'applied', access: 'role' }, 2);
  });

  it('retries a transient failure within maxRetries, noting the attempt', async () => {
    const error = new DiscordUnavailableError('Discord 503', 503);
    invite.handle.mockRejectedValue(error);
    await expect(route.handle(operation, context(2))).rejects.toBe(error);
    expect(recorder.attemptFailed).toHaveBeenCalledWith(operation, 2, error);
  });

  it('gives up once the operation used maxRetries + 1 attempts, named like the pipeline’s exhaustion', async () => {
    invite.handle.mockRejectedValue(new DiscordUnavailableError('Discord 503', 503));
    const attempt = route.handle(operation, context(3));
    await expect(attempt).rejects.toThrow(RetriesExhaustedError);
    await expect(attempt).rejects.toMatchObject({ name: 'RetriesExhausted:DiscordUnavailableError' });
    expect(recorder.done).not.toHaveBeenCalled();
  });

  it('never turns a rate-limit wait into exhaustion: Discord said when to come back', async () => {
    const error = new DiscordRateLimitedError('Discord rate limit', 30, 'user', false);
    invite.handle.mockRejectedValue(error);
    await expect(route.handle(operation, context(9))).rejects.toBe(error);
    expect(recorder.attemptFailed).not.toHaveBeenCalled();
  });

  it('passes a permanent failure straight on', async () => {
    const error = new DiscordMissingPermissionsError('Discord 403 Missing Permissions', 403, 50013);
    invite.handle.mockRejectedValue(error);
    await expect(route.handle(operation, context(1))).rejects.toBe(error);
    expect(recorder.attemptFailed).not.toHaveBeenCalled();
  });
});
