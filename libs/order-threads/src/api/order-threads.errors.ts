import { ConflictException, NotFoundException } from '@nestjs/common';

export class EntityNotFoundException extends NotFoundException {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
  }
}

/** The request needs a Discord thread the entity does not have (no configuration, or creation failed). */
export class NoDiscordThreadException extends ConflictException {}
