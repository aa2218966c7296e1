/** The view for each sidebar entry. Each area registers its view on its own line. */
import type { ViewId } from '../stores/app';
import { ChartView } from './ChartView';
import { Placeholder } from './Placeholder';
import { OrdersView } from './OrdersView';
import { SignalsView } from './SignalsView';
import { DataSourcesView } from './DataSourcesView';
import { GoalsView } from './GoalsView';
import { SettingsView } from './SettingsView';
import { BacktestView } from './BacktestView';
import { InboundView } from './InboundView';
import { AlertsView } from './AlertsView';
import { StrategiesView } from './StrategiesView';
import { HealthView } from './HealthView';

const VIEW_COMPONENTS: Partial<Record<ViewId, () => React.JSX.Element>> = {
  chart: ChartView,
  // [view: data]
  data: DataSourcesView,
  // [view: signals]
  signals: SignalsView,
  // [view: strategies]
  strategies: StrategiesView,
  // [view: orders]
  orders: OrdersView,
  // [view: goals]
  goals: GoalsView,
  // [view: settings]
  settings: SettingsView,
  // [view: backtest]
  backtest: BacktestView,
  // [view: inbound]
  inbound: InboundView,
  // [view: alerts]
  alerts: AlertsView,
  // [view: health]
  health: HealthView,
};

export function ViewFor({ view }: { view: ViewId }) {
  const C = VIEW_COMPONENTS[view];
  return C ? <C /> : <Placeholder view={view} />;
}
