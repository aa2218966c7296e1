/**
 * The keyboard-driven order ticket. From anywhere (outside text fields; keys declared in the
 * keyboard registry): T opens it, B / S open it as buy / sell on the chart's symbol, K asks to
 * flip the kill switch (also from inside lists). In the ticket: the cursor
 * starts in the amount; Tab walks amount → limit price → stop loss → take profit → stop trigger,
 * Shift-Tab goes back (to type and side too); ↑ / ↓ nudge prices by one tick (Shift: 10 ticks,
 * PageUp / PageDown: 100 ticks), and giving a limit
 * price or a stop trigger picks the order type that uses it (Type stays editable with ↑↓);
 * Alt+1…4 set the amount to 1 / 5 / 10 / 25 % of equity; Enter reviews, Enter sends, Esc backs
 * out. The decision and its reason appear in place the moment the engine answers.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MarketRules, OrderIntent, OrderSide, OrderType } from '../../../engine/api';
import { api } from '../api/client';
import { useApp } from '../stores/app';
import { currentAccount, useOrders } from '../stores/orders';
import { FlattenDialog, KillSwitchDialog } from './KillSwitchDialog';
import { OutcomeText } from './OutcomeText';
import { ExecuteConfirm } from './SizePreview';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { Modal } from './Modal';
import './order-ticket.css';

const PRESETS = [1, 5, 10, 25];

function decimals(step: string): number {
  const i = step.indexOf('.');
  return i < 0 ? 0 : step.length - i - 1;
}
/** `v` moved by `ticks` ticks (negative: down), on the tick grid, never below one tick. */
export function nudge(v: string, tick: string, ticks: number, fallback: string | null): string {
  const d = decimals(tick);
  const t = Number(tick);
  const steps = Math.round(Number(v || fallback || 0) / t) + ticks;
  return (Math.max(1, steps) * t).toFixed(d);
}
/** Ticks a key moves a price by: ↑↓ one, Shift+↑↓ ten, PageUp/PageDown a hundred; 0 for other keys. */
export function ticksFor(e: { key: string; shiftKey: boolean }): number {
  if (e.key === 'PageUp') return 100;
  if (e.key === 'PageDown') return -100;
  if (e.key === 'ArrowUp') return e.shiftKey ? 10 : 1;
  if (e.key === 'ArrowDown') return e.shiftKey ? -10 : -1;
  return 0;
}
const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');

export function OrderTicket() {
  const { ticket, openTicket, closeTicket, killConfirm, setKillConfirm, flattenConfirm, setFlattenConfirm } = useOrders();
  const symbol = useApp((s) => s.symbol);
  useKeyActions(
    'orders',
    [
      keyAction('orders.ticket', () => openTicket('buy')),
      keyAction('orders.buy', () => openTicket('buy'), `Buy ${symbol}`),
      keyAction('orders.sell', () => openTicket('sell'), `Sell ${symbol}`),
      keyAction('orders.kill', () => setKillConfirm(true)),
      keyAction('orders.flatten', () => setFlattenConfirm(true)),
    ],
    [openTicket, setKillConfirm, setFlattenConfirm, symbol],
  );
  return (
    <>
      {ticket.open && <TicketDialog key={ticket.seq} initialSide={ticket.side} onClose={closeTicket} />}
      {killConfirm && <KillSwitchDialog onClose={() => setKillConfirm(false)} />}
      {flattenConfirm && <FlattenDialog onClose={() => setFlattenConfirm(false)} />}
      <ExecuteConfirm />
    </>
  );
}

type Stage = 'edit' | 'review' | 'sending' | 'done';

function TicketDialog({ initialSide, onClose }: { initialSide: OrderSide; onClose: () => void }) {
  const { symbol: chartSymbol } = useApp();
  const orders = useOrders();
  const account = currentAccount(orders);
  const live = account?.kind === 'live';
  const equity = Number(orders.status?.accounts.find((a) => a.id === account?.id)?.equity ?? account?.cash ?? 0);
  const [symbol] = useState(chartSymbol);
  const [side, setSide] = useState<OrderSide>(initialSide);
  const [type, setType] = useState<OrderType>('market');
  const [amount, setAmount] = useState('');
  const [price, setPrice] = useState('');
  const [stopPrice, setStopPrice] = useState('');
  const [stopLoss, setStopLoss] = useState('');
  const [takeProfit, setTakeProfit] = useState('');
  const [rules, setRules] = useState<MarketRules | null>(null);
  const [stage, setStage] = useState<Stage>('edit');
  const [result, setResult] = useState<OrderIntent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sendMs, setSendMs] = useState<number | null>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const key = useMemo(() => `ticket:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 10)}`, []);

  useEffect(() => {
    amountRef.current?.focus();
    let alive = true;
    const load = () =>
      api
        .call('orders.market', { symbol, account: account?.id })
        .then((r) => alive && setRules(r))
        .catch((e: Error) => alive && setError(e.message));
    void load();
    const t = setInterval(load, 2000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [symbol, account?.id]);

  useEffect(() => {
    if (stage === 'review' || stage === 'done') dialogRef.current?.focus();
  }, [stage]);

  // Giving a limit or stop price chooses the order type that uses it (market → limit / stop;
  // limit + stop price → stop-limit), so "arrow the limit price down" makes a limit order without
  // leaving the keyboard; the Type field (Shift-Tab from the amount, ↑↓) still sets it directly.
  const editPrice = (v: string) => {
    setPrice(v);
    if (v) setType((t) => (t === 'market' ? 'limit' : t === 'stop' ? 'stop_limit' : t));
  };
  const editStopPrice = (v: string) => {
    setStopPrice(v);
    if (v) setType((t) => (t === 'market' ? 'stop' : t === 'limit' ? 'stop_limit' : t));
  };

  const last = Number(rules?.last ?? 0);
  const ref = type === 'limit' || type === 'stop_limit' ? Number(price || last) : type === 'stop' ? Number(stopPrice || last) : last;
  const qty = Number(amount || 0);
  // Before the first price (a live account's ticker not read yet) the figures say "—", not 0.
  const notional = ref > 0 ? qty * ref : NaN;
  const feeBps = type === 'limit' ? (rules?.makerFeeBps ?? 0) : (rules?.takerFeeBps ?? 0);
  const fee = (notional * feeBps) / 10_000;
  const sl = Number(stopLoss || 0);
  const tp = Number(takeProfit || 0);
  const risk = sl > 0 && ref > 0 ? Math.abs(ref - sl) * qty + fee : NaN;
  const riskPct = equity > 0 ? (risk / equity) * 100 : NaN;
  const rr = sl > 0 && tp > 0 && ref > 0 ? Math.abs(tp - ref) / Math.abs(ref - sl) : NaN;
  const needPrice = type === 'limit' || type === 'stop_limit';
  const needStop = type === 'stop' || type === 'stop_limit';
  const invalid = !(qty > 0) ? 'Enter an amount' : needPrice && !(Number(price) > 0) ? 'Enter a limit price' : needStop && !(Number(stopPrice) > 0) ? 'Enter a stop price' : null;

  const send = async () => {
    setStage('sending');
    const t0 = performance.now();
    try {
      const intent = await api.call('orders.place', {
        account: account?.id,
        symbol,
        side,
        type,
        amount,
        ...(needPrice ? { price } : {}),
        ...(needStop ? { stopPrice } : {}),
        ...(stopLoss ? { stopLoss } : {}),
        ...(takeProfit ? { takeProfit } : {}),
        idempotencyKey: key,
      });
      setSendMs(performance.now() - t0);
      setResult(intent);
    } catch (e) {
      setError((e as Error).message);
    }
    setStage('done');
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (stage === 'review') setStage('edit');
      else if (stage !== 'sending') onClose();
      if (stage === 'review') setTimeout(() => amountRef.current?.focus(), 0);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      if (stage === 'edit' && !invalid) setStage('review');
      else if (stage === 'review') void send();
      else if (stage === 'done') onClose();
      return;
    }
    if (stage !== 'edit') return;
    if (e.altKey && /^[1-4]$/.test(e.key) && rules && ref > 0) {
      e.preventDefault();
      const pctv = PRESETS[Number(e.key) - 1]!;
      const step = Number(rules.step);
      const q = Math.floor((equity * pctv) / 100 / ref / step) * step;
      setAmount(q.toFixed(decimals(rules.step)));
      return;
    }
    const t = e.target as HTMLInputElement;
    const priceField = t.dataset['price'];
    const ticks = ticksFor(e);
    if (ticks !== 0 && priceField && rules) {
      e.preventDefault();
      const setters: Record<string, [string, (v: string) => void]> = { price: [price, editPrice], stopPrice: [stopPrice, editStopPrice], stopLoss: [stopLoss, setStopLoss], takeProfit: [takeProfit, setTakeProfit] };
      const [v, setV] = setters[priceField]!;
      setV(nudge(v, rules.tick, ticks, rules.last));
    }
  };

  const base = symbol.split('/')[0] ?? '';
  return (
    <Modal label="Order ticket" onClose={onClose} onKeyDown={onKeyDown} className={`ticket ${live ? 'ticket-live' : 'ticket-paper'}`} backdropClassName="ticket-backdrop" backdropCloses={false} testid="order-ticket" dialogRef={dialogRef} initialFocus='[data-testid="ticket-amount"]' attrs={{ 'data-stage': stage }}>
        <div className="ticket-head">
          <span className={`badge ${live ? 'live' : 'paper'}`} data-testid="ticket-mode">
            {live ? 'LIVE — REAL MONEY' : 'PAPER'}
          </span>
          <strong>{symbol}</strong>
          <span className="muted">{account?.name}</span>
          <span className="muted">last {rules?.last ?? '—'}</span>
        </div>
        {stage === 'edit' && (
          <div className="ticket-form">
            <label>
              Side
              <select value={side} onChange={(e) => setSide(e.target.value as OrderSide)} data-testid="ticket-side">
                <option value="buy">Buy</option>
                <option value="sell">Sell</option>
              </select>
            </label>
            <label>
              Type
              <select value={type} onChange={(e) => setType(e.target.value as OrderType)} data-testid="ticket-type">
                <option value="market">Market</option>
                <option value="limit">Limit</option>
                <option value="stop">Stop</option>
                <option value="stop_limit">Stop limit</option>
              </select>
            </label>
            <label>
              <span>
                Amount <span className="muted" data-testid="ticket-amount-unit-label">({base})</span>
              </span>
              <span className="ticket-unit-field">
                <input ref={amountRef} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value.trim())} data-testid="ticket-amount" placeholder={rules ? `step ${rules.step}` : ''} aria-label={`Amount in ${base}`} />
                <span className="ticket-unit" data-testid="ticket-amount-unit">{base}</span>
              </span>
            </label>
            <label className={needPrice ? '' : 'dim'}>
              Limit price
              <input inputMode="decimal" value={price} data-price="price" onChange={(e) => editPrice(e.target.value.trim())} data-testid="ticket-price" placeholder={rules?.last ?? ''} />
            </label>
            <label>
              Stop loss
              <input inputMode="decimal" value={stopLoss} data-price="stopLoss" onChange={(e) => setStopLoss(e.target.value.trim())} data-testid="ticket-stop-loss" />
            </label>
            <label>
              Take profit
              <input inputMode="decimal" value={takeProfit} data-price="takeProfit" onChange={(e) => setTakeProfit(e.target.value.trim())} data-testid="ticket-take-profit" />
            </label>
            <label className={needStop ? '' : 'dim'}>
              Stop trigger (stop / stop-limit orders)
              <input inputMode="decimal" value={stopPrice} data-price="stopPrice" onChange={(e) => editStopPrice(e.target.value.trim())} data-testid="ticket-stop-price" />
            </label>
          </div>
        )}
        <dl className="ticket-figures" data-testid="ticket-figures">
          <dt>Notional</dt>
          <dd data-testid="ticket-notional">{fmt(notional)}</dd>
          <dt>Fee ({feeBps} bps)</dt>
          <dd data-testid="ticket-fee">{fmt(fee, 4)}</dd>
          <dt>Risk to stop</dt>
          <dd data-testid="ticket-risk">{Number.isFinite(risk) ? `${fmt(risk)} (${fmt(riskPct)} % of equity)` : '—'}</dd>
          <dt>Reward / risk</dt>
          <dd data-testid="ticket-rr">{Number.isFinite(rr) ? fmt(rr) : '—'}</dd>
        </dl>
        {stage === 'review' && (
          <div className="ticket-review" data-testid="ticket-review">
            <strong className={side === 'buy' ? 'up' : 'down'}>
              {side.toUpperCase()} {amount} {symbol} {type.replace('_', ' ')}
              {needPrice ? ` @ ${price}` : ''}
              {needStop ? ` stop ${stopPrice}` : ''}
            </strong>
            {live && <div className="down">This sends a real order to {account?.exchange}.</div>}
            <div className="muted">Enter to send · Esc to edit</div>
          </div>
        )}
        {stage === 'sending' && <div className="muted">Sending…</div>}
        {stage === 'done' && (
          <div className="ticket-result" data-testid="ticket-result" data-send-ms={sendMs ?? ''}>
            {result ? (
              <>
                <strong data-testid="ticket-decision">
                  <OutcomeText intent={result} testid="ticket-outcome" />
                </strong>
                <div className="muted" data-testid="ticket-reason">
                  {result.decision} · {result.reasonCode}
                  {result.decision !== 'EXECUTED' && result.reasonMessage ? ` · ${result.reasonMessage}` : ''}
                  {result.exchangeError ? ` · ${result.exchangeError}` : ''}
                </div>
              </>
            ) : (
              <strong className="down">{error}</strong>
            )}
            <div className="muted">Enter or Esc to close</div>
          </div>
        )}
        {stage === 'edit' && (
          <div className="ticket-help muted">
            {invalid ?? 'Enter to review'} · Tab fields · ↑↓ nudge price by {rules?.tick ?? 'tick'} (Shift ×10, PgUp/PgDn ×100) · Alt+1–4 = {PRESETS.join('/')} % of equity · Esc cancel
          </div>
        )}
    </Modal>
  );
}
