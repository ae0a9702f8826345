export * from './discord.module';
export * from './discord.options';
export * from './discord-rest.client';
export * from './discord-rest-client.factory';
export * from './discord.health';
export * from './discord.errors';
export * from './channel-permissions';
export * from './invalid-request.budget';
