export * from './bootstrap';
export * from './platform.modules';
export * from './consumers.table';
export * from './host-tables';
