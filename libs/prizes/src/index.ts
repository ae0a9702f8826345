export * from './prizes.module';
export type { PrizeTableNames, PrizesOptions } from './prizes.options';
export * from './items.service';
export * from './pending-ownership.service';
export * from './account-link.service';
export * from './prize.errors';
