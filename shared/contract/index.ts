export * from './errors';
export * from './domain';
export * from './dialect';
export * from './api';
export * from './events';
export * from './checkin';
export * from './bridge';
export * from './urls';
