/** Public entry point of the strategies area. */
export * from './types';
export * from './registry';
export { px } from './common';
export { emaCross, emaCrossSchema } from './ema-cross';
export { breakout, breakoutSchema } from './breakout';
export { momentum, momentumSchema } from './momentum';
export { meanReversion, meanReversionSchema } from './mean-reversion';
export { scalping, scalpingSchema } from './scalping';
