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
  data: DataSourcesView,
  signals: SignalsView,
  strategies: StrategiesView,
  orders: OrdersView,
  goals: GoalsView,
  settings: SettingsView,
  backtest: BacktestView,
  inbound: InboundView,
  alerts: AlertsView,
  health: HealthView,
};

export function ViewFor({ view }: { view: ViewId }) {
  const C = VIEW_COMPONENTS[view];
  return C ? <C /> : <Placeholder view={view} />;
}
