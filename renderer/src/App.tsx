import { useEffect } from 'react';
import { VIEWS, useApp } from './stores/app';
import { ViewFor } from './views';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { OrderTicket } from './components/OrderTicket';
import { CommandPalette } from './components/CommandPalette';
import { usePaletteActions } from './stores/palette';
import { TIMEFRAMES } from '../../engine/api';

export function App() {
  const { view, setView, init, setTimeframe } = useApp();

  useEffect(() => {
    void init();
  }, [init]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const v = VIEWS.find((x) => x.key === e.key);
      if (v) {
        e.preventDefault();
        setView(v.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  usePaletteActions(
    'app',
    [
      ...VIEWS.map((v) => ({ id: `view.${v.id}`, group: 'Go to', label: v.label, keys: `Alt+${v.key}`, run: () => setView(v.id) })),
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
      {/* [overlay: orders] */}
      <OrderTicket />
      <CommandPalette />
    </div>
  );
}
