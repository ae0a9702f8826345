import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { RoleModuleExtras } from '@discord-backbone/queue';
import type { RelayApiOptions } from './api/relay-api.options';
import type { RelayIngestOptions } from './worker/relay-ingest.options';

export const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

/** RelayModule's options: the producer role's (the /v1 API) or the consumer role's (the gateway ingest). */
export type RelayOptions = RelayApiOptions | RelayIngestOptions;

type ProducerExtras = Partial<RoleModuleExtras> & { role?: 'producer' };
type ConsumerExtras = Partial<RoleModuleExtras> & { role: 'consumer' };

/** `RelayModule.forRoot`: each role with its own options, `producer` unless `role` says otherwise. */
export type RelayModuleOptions = (RelayApiOptions & ProducerExtras) | (RelayIngestOptions & ConsumerExtras);

/** `RelayModule.forRootAsync`: the role beside `imports`/`inject`/`useFactory`, which gives that role's options. */
export type RelayModuleAsyncOptions =
  | (ConfigurableModuleAsyncOptions<RelayApiOptions> & ProducerExtras)
  | (ConfigurableModuleAsyncOptions<RelayIngestOptions> & ConsumerExtras);
