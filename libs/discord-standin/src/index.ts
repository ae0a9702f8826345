// The Discord stand-in: Discord's REST API, gateway and interactions played by a local server,
// for the tests and for `npm start` without a bot token.
export * from './fake-discord';
export * from './fake-gateway';
export * from './rate-limits';
export { DEMO, seedDemo } from './standin-demo';
export { standinPage } from './standin-page';
export { standinView } from './standin-view';
export type { StandinView, GuildView, ChannelView, MessageView, CommandView } from './standin-view';
export { startDiscordStandin } from './standin';
export type { DiscordStandin, StandinOptions } from './standin';
