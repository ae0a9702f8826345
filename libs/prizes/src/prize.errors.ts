import { BadRequestError, NotFoundError } from '@discord-backbone/queue';

export class CommunityNotFoundError extends NotFoundError {
  constructor(discordGuildId: string) {
    super(`No community for Discord guild ${discordGuildId}`);
  }
}

export class ItemTypeNotFoundError extends NotFoundError {
  constructor(itemTypeId: string, communityId: string) {
    super(`Item type ${itemTypeId} does not exist in community ${communityId}`);
  }
}

export class CharacterNotFoundError extends NotFoundError {
  constructor(characterId: string) {
    super(`Character ${characterId} does not exist`);
  }
}

/** The character has an owner, or is already promised to a Discord user: it cannot be awarded. */
export class CharacterAlreadyOwnedError extends BadRequestError {
  constructor(characterId: string) {
    super(`Character ${characterId} is already owned`);
  }
}

export class CharacterCommunityMismatchError extends BadRequestError {
  constructor(characterId: string, discordGuildId: string) {
    super(`Character ${characterId} does not belong to the community of guild ${discordGuildId}`);
  }
}
