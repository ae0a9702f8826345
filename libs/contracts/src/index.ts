export * from './prize-event.dto';
export * from './message-attributes';
export * from './queue-names';
