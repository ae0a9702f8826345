export * from './prizes.module';
export * from './prizes.options';
export * from './prize-consumer.module';
export * from './account-link.module';
export * from './items.service';
export * from './pending-ownership.service';
export * from './account-link.service';
export * from './prize.errors';
