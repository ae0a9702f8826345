import type { Message } from '@aws-sdk/client-sqs';
import { PrizeEventType } from '@discord-backbone/contracts';
import { MessageValidationError, UnknownMessageTypeError } from '@discord-backbone/queue';
import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { PrizeEventRoute } from './prize-event.route';
import { CharacterNotFoundError } from './prize.errors';

describe('PrizeEventRoute', () => {
  const items = { handleBatch: jest.fn().mockResolvedValue(new Map()) } as unknown as ItemPrizeHandler;
  const characters = {
    handleBatch: jest.fn().mockResolvedValue(new Map([[0, new CharacterNotFoundError('c')]])),
  } as unknown as CharacterPrizeHandler;
  const route = new PrizeEventRoute(items, characters);
  const guild = '123456789012345678';
  const user = '987654321098765432';

  it('accepts the spec examples and defaults quantity to 1', () => {
    expect(
      route.decode({
        eventType: 'ITEM_AWARDED',
        discordGuildId: guild,
        discordUserId: user,
        itemTypeId: 'cluid123abc',
        quantity: 5,
      }),
    ).toMatchObject({ quantity: 5 });
    expect(
      route.decode({
        eventType: 'ITEM_AWARDED',
        discordGuildId: guild,
        discordUserId: user,
        itemTypeId: 'cluid123abc',
      }),
    ).toMatchObject({ quantity: 1 });
    expect(
      route.decode({
        eventType: 'CHARACTER_AWARDED',
        discordGuildId: guild,
        discordUserId: user,
        characterId: 'cluid456def',
      }),
    ).toMatchObject({ characterId: 'cluid456def' });
  });

  it.each([
    ['a missing itemTypeId', { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: user }, /itemTypeId/],
    [
      'a missing characterId',
      { eventType: 'CHARACTER_AWARDED', discordGuildId: guild, discordUserId: user },
      /characterId/,
    ],
    [
      'a username instead of an ID',
      { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: 'bob', itemTypeId: 'x' },
      /discordUserId/,
    ],
    [
      'a numeric (not string) ID',
      { eventType: 'ITEM_AWARDED', discordGuildId: 123, discordUserId: user, itemTypeId: 'x' },
      /discordGuildId/,
    ],
    [
      'a fractional quantity',
      { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: user, itemTypeId: 'x', quantity: 1.5 },
      /quantity/,
    ],
    [
      'a negative quantity',
      { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: user, itemTypeId: 'x', quantity: -2 },
      /quantity/,
    ],
    [
      'an unknown field',
      { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: user, itemTypeId: 'x', bonus: true },
      /bonus/,
    ],
    ['a missing eventType', { discordGuildId: guild, discordUserId: user }, /eventType/],
    ['null', null, /JSON object/],
  ])('rejects %s as a validation error', (_, body, message) => {
    expect(() => route.decode(body)).toThrow(MessageValidationError);
    expect(() => route.decode(body)).toThrow(message);
  });

  it('rejects an unknown eventType as its own error class', () => {
    expect(() => route.decode({ eventType: 'LOOT_BOX', discordGuildId: guild, discordUserId: user })).toThrow(
      UnknownMessageTypeError,
    );
  });

  it('keys idempotency by eventId when the producer sets one, else by SQS message id', () => {
    const message = { MessageId: 'm-1' } as Message;
    const base = route.decode({
      eventType: 'ITEM_AWARDED',
      discordGuildId: guild,
      discordUserId: user,
      itemTypeId: 'x',
    });
    expect(route.idempotencyKey(base, message)).toBe('prize-distribution:message:m-1');
    expect(route.idempotencyKey({ ...base, eventId: 'e-9' }, message)).toBe('prize-distribution:event:e-9');
  });

  it('routes each event type to its handler and maps rejections back to batch positions', async () => {
    const item = route.decode({
      eventType: PrizeEventType.ITEM_AWARDED,
      discordGuildId: guild,
      discordUserId: user,
      itemTypeId: 'x',
    });
    const character = route.decode({
      eventType: PrizeEventType.CHARACTER_AWARDED,
      discordGuildId: guild,
      discordUserId: user,
      characterId: 'c',
    });
    const sql = { execute: jest.fn().mockResolvedValue(1), query: jest.fn() };
    const rejections = await route.applyBatch([item, character, item], sql);
    expect(sql.execute).toHaveBeenCalledTimes(1); // every account lock of the batch, up front
    expect(items.handleBatch).toHaveBeenCalledWith([item, item], sql);
    expect(characters.handleBatch).toHaveBeenCalledWith([character], sql);
    expect([...rejections.keys()]).toEqual([1]);
    expect(rejections.get(1)).toBeInstanceOf(CharacterNotFoundError);
  });
});
