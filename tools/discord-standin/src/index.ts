// The Discord stand-in: Discord's REST API, gateway and interactions played by a local server,
// for the tests and for `npm start` without a bot token.
export { FakeDiscord, startFakeDiscord } from './fake-discord';
export type { PageHandler } from './fake-discord';
export { FakeGateway, startFakeGateway } from './fake-gateway';
export type { GatewayEvent } from './fake-gateway';
export { FAKE_DISCORD_TOKEN } from './world/world';
export { CAMPAIGN_BOT_PERMISSIONS, DEFAULT_BOT_PERMISSIONS } from './world/permissions';
export { user } from './world/shapes';
export type {
  Fault,
  FakeBot,
  FakeChannel,
  FakeGuild,
  FakeInteraction,
  FakeInvite,
  FakeMessage,
  FakeUser,
  InteractionDelivery,
  MessageEdit,
  RecordedRequest,
  RequestMatch,
} from './world/shapes';
export { DEMO, seedDemo } from './standin-demo';
export { standinPage } from './page/standin-page';
export { standinView } from './page/standin-view';
export type { StandinView, GuildView, ChannelView, MessageView, CommandView } from './page/standin-view';
export { startDiscordStandin } from './standin';
export type { DiscordStandin, StandinOptions } from './standin';
