/** What a sidebar entry shows while its view is not built: says so, and where the capability lives today. */
const TEXT: Record<string, { title: string; body: string }> = {
  strategies: {
    title: 'Strategies',
    body: 'The Strategies view is not built yet. Strategies are chosen and tuned per channel in the Signals view (channel editor), and tried on stored candles in Backtest.',
  },
};

export function Placeholder({ view }: { view: string }) {
  const t = TEXT[view] ?? { title: view, body: 'This view is not built yet.' };
  return (
    <div className="placeholder" data-testid={`view-${view}`}>
      <h2>{t.title}</h2>
      <p>{t.body}</p>
    </div>
  );
}
