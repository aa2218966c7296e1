export * from './contract';
export * from './errors';
export * from './timeframes';
export * from './validate';
export * from './outcome';
export * from './ticks';
