import { useApp } from '../stores/app';
import { OrderStatus } from './OrderStatus';
import { GoalStatus } from './GoalStatus';
import { useSourceLabel } from '../stores/sources';
import { DemoSpeedToggle } from './DemoSpeed';

export function StatusBar() {
  const { info, connection, clock, simSpeed, source, error } = useApp();
  const known = info?.sources.find((s) => s.id === source);
  const src = useSourceLabel(source, known);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span>
        Source: <strong data-testid="status-source">{src.label}</strong>
      </span>
      {src.simulated && (
        <span className="badge sim" title="Prices come from the embedded simulated market, not an exchange">
          SIMULATED
        </span>
      )}
      <span className={`conn conn-${connection}`} data-testid="connection">
        ● {connection === 'open' ? 'connected' : connection}
      </span>
      <span data-testid="engine-clock" title="Engine clock (UTC)">
        {clock ? new Date(clock).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—'}
        {simSpeed !== 1 ? ` · ${simSpeed}×` : ''}
      </span>
      <DemoSpeedToggle />
      {/* [status: orders] */}
      <OrderStatus />
      {/* [status: goals] */}
      <GoalStatus />
      <span className="muted" title="Command palette: every action and its key">Ctrl+K commands</span>
      {info && <span className="muted">v{info.version} · {info.mode}</span>}
      {error && <span className="error">{error}</span>}
    </footer>
  );
}
