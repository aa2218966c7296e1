/**
 * Trades: closed round trips (positions.history) with a realized P&L total per UTC day. Totals are
 * summed exactly on the decimal strings the engine sends.
 */
import { useEffect, useState } from 'react';
import { groupDigits, type RoundTrip } from '../../../engine/api';
import { api } from '../api/client';
import { useOrders } from '../stores/orders';
import { sumDecimals } from '../format/decimal-sum';

const money = (v: string): string => groupDigits(Number(v).toFixed(2));
const duration = (ms: number): string => {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : m < 1440 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
};

export function TradesTable() {
  const [trips, setTrips] = useState<RoundTrip[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Reload when fills arrive (the orders store refreshes on order events).
  const fills = useOrders((s) => s.fills.length);
  useEffect(() => {
    api
      .call('positions.history', { limit: 500 })
      .then((t) => (setTrips(t), setError(null)))
      .catch((e: Error) => setError(e.message));
  }, [fills]);
  const days = new Map<string, RoundTrip[]>();
  for (const t of trips) {
    const d = new Date(t.closedAt).toISOString().slice(0, 10);
    days.set(d, [...(days.get(d) ?? []), t]);
  }
  return (
    <section>
      <h3>Trades</h3>
      {error && <div className="error">{error}</div>}
      <table className="grid" data-testid="trades-table">
        <thead>
          <tr><th>Closed (UTC)</th><th>Symbol</th><th>Side</th><th>Amount</th><th>Entry</th><th>Exit</th><th>Realized</th><th>Fees</th><th>Net</th><th>Held</th><th>Signal</th></tr>
        </thead>
        <tbody>
          {trips.length === 0 && <tr><td colSpan={11} className="muted">No closed trades yet.</td></tr>}
          {[...days.entries()].map(([day, list]) => {
            const net = sumDecimals(list.map((t) => t.netPnl));
            const realized = sumDecimals(list.map((t) => t.realizedPnl));
            return [
              <tr key={day} className="day-total" data-testid="trades-day" data-day={day} data-realized={realized} data-net={net}>
                <td colSpan={6}><strong>{day}</strong> · {list.length} trade{list.length === 1 ? '' : 's'}</td>
                <td className={Number(realized) >= 0 ? 'up' : 'down'}><strong>{money(realized)}</strong></td>
                <td>{money(sumDecimals(list.map((t) => t.fees)))}</td>
                <td className={Number(net) >= 0 ? 'up' : 'down'}><strong>{money(net)}</strong></td>
                <td colSpan={2} className="muted">realized P&amp;L of the day</td>
              </tr>,
              ...list.map((t) => (
                <tr key={`${t.accountId}-${t.symbol}-${t.closedAt}-${t.openedAt}`} data-testid="trade-row">
                  <td>{new Date(t.closedAt).toISOString().slice(11, 19)}</td>
                  <td>{t.symbol}</td>
                  <td className={t.side === 'long' ? 'up' : 'down'}>{t.side}</td>
                  <td>{t.amount}</td>
                  <td>{groupDigits(t.entryPrice)}</td>
                  <td>{groupDigits(t.exitPrice)}</td>
                  <td className={Number(t.realizedPnl) >= 0 ? 'up' : 'down'} data-testid="trade-realized">{t.realizedPnl}</td>
                  <td>{t.fees}</td>
                  <td className={Number(t.netPnl) >= 0 ? 'up' : 'down'}>{t.netPnl}</td>
                  <td>{duration(t.durationMs)}</td>
                  <td>{t.signalId ? `#${t.signalId}` : '—'}</td>
                </tr>
              )),
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}
