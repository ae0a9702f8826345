import { Logger } from '@nestjs/common';
import { DiscordInvalidRequestError, DiscordRestClient } from '@discord-backbone/discord';
import { inviteOperation } from '../../../../test/factories/bot-operations';
import { BotOperationRecorder } from './bot-operation.recorder';
import { InviteDelivery } from './invite.delivery';

describe('InviteDelivery', () => {
  const discord = { createInvite: jest.fn(), createDM: jest.fn(), sendMessage: jest.fn() };
  const recorder = { progress: jest.fn(), saveProgress: jest.fn() };
  const delivery = new InviteDelivery(
    discord as unknown as DiscordRestClient,
    recorder as unknown as BotOperationRecorder,
    { inviteMaxAgeSeconds: 600 },
  );
  const operation = inviteOperation();

  beforeEach(() => {
    jest.resetAllMocks();
    recorder.progress.mockResolvedValue({});
    discord.createDM.mockResolvedValue({ id: '323456789012345678' });
  });

  it('records the invite it created and DM’d', async () => {
    discord.createInvite.mockResolvedValue({ code: 'codeB' });
    discord.sendMessage.mockImplementation((_: string, message: { content: string }) =>
      Promise.resolve({ id: 'm1', content: message.content }),
    );

    expect(await delivery.deliver(operation)).toEqual({ inviteCode: 'codeB', dmMessageId: 'm1' });
    expect(discord.sendMessage).toHaveBeenCalledWith(
      '323456789012345678',
      expect.objectContaining({ content: expect.stringContaining('https://discord.gg/codeB') }),
    );
  });

  it('records the code the user received when a concurrent delivery’s DM (same nonce) came back instead', async () => {
    discord.createInvite.mockResolvedValue({ code: 'codeB' });
    discord.sendMessage.mockResolvedValue({
      id: 'm0',
      content: 'Your subscription is active. Join the server with this single-use invite: https://discord.gg/code-A1',
    });

    expect(await delivery.deliver(operation)).toEqual({ inviteCode: 'code-A1', dmMessageId: 'm0' });
    expect(recorder.saveProgress).toHaveBeenLastCalledWith(operation, { inviteCode: 'code-A1', dmMessageId: 'm0' });
  });

  it('never logs an invite code (anyone who reads one can join): not the one sent, not the one left unused', async () => {
    const logged: unknown[] = [];
    const spies = (['log', 'warn', 'error', 'debug', 'verbose'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args)),
    );
    try {
      discord.createInvite.mockResolvedValue({ code: 'secretB' });
      discord.sendMessage.mockResolvedValue({
        id: 'm0',
        content: 'Join the server with this single-use invite: https://discord.gg/secretA',
      });
      await delivery.deliver(operation);
      discord.sendMessage.mockRejectedValue(
        new DiscordInvalidRequestError(
          'Discord 400 Cannot send messages to this user (code 50007) on POST /channels/:id/messages',
          400,
          50007,
        ),
      );
      await delivery.deliver(operation);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(logged)).not.toMatch(/secret[AB]/);
  });
});
