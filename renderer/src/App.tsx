import { useEffect } from 'react';
import { VIEWS, useApp } from './stores/app';
import { ViewFor } from './views';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { OrderTicket } from './components/OrderTicket';
import { CommandPalette } from './components/CommandPalette';
import { useKeyActions } from './keyboard/registry';
import { KeyboardRoot } from './keyboard/KeyboardRoot';
import { TIMEFRAMES } from '../../engine/api';

export function App() {
  const { view, setView, init, setTimeframe } = useApp();

  useEffect(() => {
    void init();
  }, [init]);

  useKeyActions(
    'app',
    [
      ...VIEWS.map((v) => ({ id: `view.${v.id}`, group: 'Go to', label: v.label, keys: `Alt+${v.key}`, inFields: true, run: () => setView(v.id) })),
      ...TIMEFRAMES.map((tf) => ({ id: `chart.tf.${tf}`, group: 'Chart', label: `Timeframe ${tf}`, run: () => (setTimeframe(tf), setView('chart')) })),
    ],
    [setView, setTimeframe],
  );

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">Signaldesk</div>
        {VIEWS.map((v) => (
          <button
            key={v.id}
            className={v.id === view ? 'nav active' : 'nav'}
            aria-current={v.id === view ? 'page' : undefined}
            onClick={() => setView(v.id)}
            title={`Alt+${v.key}`}
            data-testid={`nav-${v.id}`}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <main className="content">
        <ViewFor view={view} />
      </main>
      <StatusBar />
      <Toasts />
      <OrderTicket />
      <CommandPalette />
      <KeyboardRoot />
    </div>
  );
}
