/** The alerts area's public entry point. */
export { AlertsModule, type AlertsOptions } from './module';
export { alertsPorts } from './engine-ports';
export type { AlertsPorts, RiskSnapshot } from './ports';
export type { AlertDeliverySink, AlertMessage } from './delivery';
