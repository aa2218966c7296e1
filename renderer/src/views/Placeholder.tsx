const TEXT: Record<string, { title: string; body: string }> = {
  signals: { title: 'Signals', body: 'No signal engine yet. Channels, the live signal feed and popups arrive with the signal engine.' },
  orders: { title: 'Orders & Positions', body: 'No order engine yet. Paper and live orders, positions and the order ticket arrive with the order engine.' },
  alerts: { title: 'Alerts', body: 'Alerting is not built yet.' },
  strategies: { title: 'Strategies', body: 'Strategy management is not built yet.' },
  backtest: { title: 'Backtest', body: 'Backtesting is not built yet.' },
  data: { title: 'Data sources', body: 'Only the embedded simulated market is available so far. Exchange sources arrive with the collector.' },
};

export function Placeholder({ view }: { view: string }) {
  const t = TEXT[view] ?? { title: view, body: 'Not built yet.' };
  return (
    <div className="placeholder" data-testid={`view-${view}`}>
      <h2>{t.title}</h2>
      <p>{t.body}</p>
    </div>
  );
}
