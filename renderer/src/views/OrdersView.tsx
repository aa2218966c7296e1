/**
 * Orders & Positions. Keyboard: ↑/↓ (or j/k) move the selection in the focused table, C cancels
 * the selected open order, X closes the selected position, Shift+X flattens all (confirmed),
 * D runs diagnostics. T/B/S open the ticket and K the kill switch from here too (in tables too).
 */
import { useEffect, useState } from 'react';
import type { InvariantsReport } from '../../../engine/api';
import { AccountsPanel } from '../components/AccountsPanel';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { useOrders } from '../stores/orders';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { OutcomeText } from '../components/OutcomeText';
import { TradesTable } from '../components/TradesTable';
import { useListSelection } from '../keyboard/use-list-selection';

export function OrdersView() {
  const { positions, orders, intents, status, refresh, error } = useOrders();
  const [msg, setMsgState] = useState<{ text: string; tone: string } | null>(null);
  const setMsg = (text: string, tone = 'ok') => setMsgState({ text, tone });
  const [diag, setDiag] = useState<InvariantsReport | null>(null);
  const open = orders.filter((o) => o.status === 'open');
  const posSel = useListSelection(positions.length);
  const ordSel = useListSelection(open.length);

  const focus = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.focus();
  useKeyActions(
    'orders-view',
    [
      keyAction('orders.focusPositions', () => focus('positions-table')),
      keyAction('orders.focusOrders', () => focus('orders-table')),
    ],
    [],
  );

  useEffect(() => {
    void refresh();
    void api.call('diagnostics.invariants', { hours: 24 }).then(setDiag).catch(() => undefined);
  }, [refresh]);

  const act = (what: string, f: () => Promise<unknown>) => runAction(what, f, setMsg, refresh);

  return (
    <div className="orders-view" data-testid="view-orders">
      <div className="orders-head">
        <h2>Orders &amp; Positions</h2>
        <span className="muted">T / B / S ticket · K kill switch · Shift+X flatten all · P positions · O orders · ↑↓ / j k select · X close position · C cancel order · D diagnostics · ? keys</span>
        {status?.killSwitch.on && <span className="badge live">KILL SWITCH ON — {status.killSwitch.reason}</span>}
        {msg && (
          <span className={`outcome-${msg.tone === 'ok' ? 'pending' : msg.tone}`} data-testid="orders-msg" data-tone={msg.tone}>
            {msg.text}
          </span>
        )}
        {error && <span className="error">{error}</span>}
      </div>
      <section>
        <h3>Positions</h3>
        <table
          className="grid"
          tabIndex={0}
          data-testid="positions-table"
          onKeyDown={(e) => {
            if (posSel.onKey(e)) return;
            const p = positions[posSel.sel];
            if (p && e.key === 'x') {
              e.preventDefault();
              e.stopPropagation();
              void act(`Close ${p.symbol}`, () => api.call('positions.close', { account: p.accountId, symbol: p.symbol }));
            }
          }}
        >
          <thead>
            <tr><th>Symbol</th><th>Qty</th><th>Avg entry</th><th>Mark</th><th>Unrealized</th><th>Realized</th><th>Fees</th><th>Stop</th><th>Target</th></tr>
          </thead>
          <tbody>
            {positions.length === 0 && <tr><td colSpan={9} className="muted">No open positions.</td></tr>}
            {positions.map((p, i) => (
              <tr key={`${p.accountId}-${p.symbol}`} className={i === posSel.sel ? 'sel' : ''} data-testid="position-row">
                <td>{p.symbol}</td>
                <td className={Number(p.qty) > 0 ? 'up' : 'down'}>{p.qty}</td>
                <td>{p.avgEntry}</td>
                <td>{p.markPrice ?? '—'}</td>
                <td className={Number(p.unrealizedPnl) >= 0 ? 'up' : 'down'}>{Number(p.unrealizedPnl).toFixed(2)}</td>
                <td>{Number(p.realizedPnl).toFixed(2)}</td>
                <td>{Number(p.fees).toFixed(4)}</td>
                <td>{p.stopLoss ?? '—'}</td>
                <td>{p.takeProfit ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h3>Open orders</h3>
        <table
          className="grid"
          tabIndex={0}
          data-testid="orders-table"
          onKeyDown={(e) => {
            if (ordSel.onKey(e)) return;
            const o = open[ordSel.sel];
            if (o && (e.key === 'c' || e.key === 'C')) {
              e.preventDefault();
              e.stopPropagation();
              void act(`Cancel order ${o.id}`, () => api.call('orders.cancel', { id: o.id }));
            }
          }}
        >
          <thead>
            <tr><th>#</th><th>Symbol</th><th>Side</th><th>Type</th><th>Role</th><th>Amount</th><th>Price</th><th>Stop</th><th>Filled</th></tr>
          </thead>
          <tbody>
            {open.length === 0 && <tr><td colSpan={9} className="muted">No open orders.</td></tr>}
            {open.map((o, i) => (
              <tr key={o.id} className={i === ordSel.sel ? 'sel' : ''} data-testid="order-row">
                <td>{o.id}</td><td>{o.symbol}</td><td className={o.side === 'buy' ? 'up' : 'down'}>{o.side}</td><td>{o.type}</td><td>{o.role}</td>
                <td>{o.amount}</td><td>{o.price ?? '—'}</td><td>{o.stopPrice ?? '—'}</td><td>{o.filled}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <TradesTable />
      <section>
        <h3>Decisions</h3>
        <table className="grid" data-testid="intents-table">
          <thead>
            <tr><th>#</th><th>Time</th><th>Origin</th><th>Order</th><th>What happened</th><th>Decision and reason</th></tr>
          </thead>
          <tbody>
            {intents.length === 0 && <tr><td colSpan={6} className="muted">No order decisions yet.</td></tr>}
            {intents.slice(0, 50).map((i) => (
              <tr key={i.id} data-testid="intent-row">
                <td>{i.id}</td>
                <td>{new Date(i.createdAt).toISOString().slice(11, 19)}</td>
                <td>{i.origin}</td>
                <td>{i.side} {i.amount ?? ''} {i.symbol} {i.type}</td>
                <td><OutcomeText intent={i} testid="intent-outcome" /></td>
                <td className="muted reason-cell" title={`${i.reasonMessage ?? ''}${i.exchangeError ? `\n${i.exchangeError}` : ''}`}>{i.decision ?? 'pending'} · {i.reasonCode} — {i.reasonMessage}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="orders-foot">
        <div data-testid="diagnostics" tabIndex={0} onKeyDown={(e) => { if (e.key === 'd' || e.key === 'D') void api.call('diagnostics.invariants', { hours: 24 }).then(setDiag); }}>
          <h3>Diagnostics (24 h)</h3>
          {diag ? (
            <div>
              <span className={diag.pass ? 'up' : 'down'}>{diag.pass ? 'PASS' : `${diag.violations.length} violations`}</span>{' '}
              <span className="muted">
                signals {diag.counts.signals} · intents {diag.counts.intents} · executed {diag.counts.executed} · failed {diag.counts.failed} · skipped {diag.counts.skipped} · missing {diag.counts.missing_intent} · undecided {diag.counts.null_decisions} · unnotified {diag.counts.failed_without_notification}
              </span>
              <ul>{diag.violations.slice(0, 10).map((v) => <li key={v.ref}>#{v.invariant} {v.message}</li>)}</ul>
            </div>
          ) : <span className="muted">—</span>}
        </div>
        <AccountsPanel onDone={setMsg} />
      </section>
    </div>
  );
}
