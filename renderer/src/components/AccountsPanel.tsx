/**
 * Accounts and risk limits, in the Orders view: each account with PAPER / LIVE, the explicit live
 * enable (typed confirmation), a form to add a paper or a live (ccxt) account, and the risk
 * limits of the selected account. Keys go to the engine once and are never shown again.
 */
import { useEffect, useState } from 'react';
import { LIVE_CONFIRMATION, type Account, type RiskLimits, type RiskState } from '../../../engine/api';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { useOrders } from '../stores/orders';

interface Props {
  onDone(message: string): void;
}

export function AccountsPanel({ onDone }: Props) {
  const { accounts, refresh } = useOrders();
  const [confirmText, setConfirmText] = useState('');
  const [adding, setAdding] = useState(false);
  const [riskFor, setRiskFor] = useState<number | null>(null);

  const act = (what: string, f: () => Promise<unknown>) => runAction(what, f, onDone, refresh);

  return (
    <div data-testid="accounts">
      <h3>
        Accounts{' '}
        <button className="btn small" data-testid="account-add" onClick={() => setAdding((v) => !v)}>
          {adding ? 'Close' : 'Add account'}
        </button>
      </h3>
      {accounts.map((a) => (
        <div key={a.id} className="account-row" data-testid={`account-row-${a.id}`}>
          <span className={`badge ${a.kind === 'live' ? 'live' : 'paper'}`}>{a.kind === 'live' ? 'LIVE' : 'PAPER'}</span> {a.name}
          {a.isDefault ? <span className="muted"> (default)</span> : null} · cash {Number(a.cash).toFixed(2)} {a.quoteCurrency}
          {a.kind === 'live' && <span className="muted"> · {a.exchange}{a.liveEnabled ? ' · trading enabled' : ' · trading disabled'}</span>}{' '}
          {!a.isDefault && (
            <button className="btn small" data-testid={`account-default-${a.id}`} onClick={() => void act(`Make ${a.name} the default`, () => api.call('accounts.update', { id: a.id, isDefault: true }))}>
              Make default
            </button>
          )}{' '}
          <button className="btn small" data-testid={`risk-edit-${a.id}`} onClick={() => setRiskFor(riskFor === a.id ? null : a.id)}>
            Risk limits
          </button>
          {a.kind === 'live' && !a.liveEnabled && (
            <span>
              {' '}
              <input aria-label={`Type "${LIVE_CONFIRMATION}" to enable live trading`} placeholder={LIVE_CONFIRMATION} value={confirmText} onChange={(e) => setConfirmText(e.target.value)} data-testid={`live-confirm-${a.id}`} />
              <button className="btn danger" data-testid={`live-enable-${a.id}`} disabled={confirmText !== LIVE_CONFIRMATION} onClick={() => void act(`Enable live on ${a.name}`, () => api.call('accounts.update', { id: a.id, liveEnabled: true, confirm: confirmText }))}>
                Enable live trading
              </button>
            </span>
          )}
          {a.kind === 'live' && a.liveEnabled && (
            <button className="btn" data-testid={`live-disable-${a.id}`} onClick={() => void act(`Disable live on ${a.name}`, () => api.call('accounts.update', { id: a.id, liveEnabled: false }))}>
              Disable live
            </button>
          )}
          {riskFor === a.id && <RiskForm account={a} onDone={onDone} />}
        </div>
      ))}
      {adding && (
        <AddAccountForm
          onCreated={(a) => {
            setAdding(false);
            onDone(`Account ${a.name} created${a.kind === 'live' ? ' (live trading stays disabled until you enable it)' : ''}`);
            void refresh();
          }}
        />
      )}
    </div>
  );
}

function AddAccountForm({ onCreated }: { onCreated(a: Account): void }) {
  const [kind, setKind] = useState<'paper' | 'live'>('paper');
  const [name, setName] = useState('');
  const [exchange, setExchange] = useState('binance');
  const [balance, setBalance] = useState('10000');
  const [quote, setQuote] = useState('USDT');
  const [taker, setTaker] = useState('10');
  const [maker, setMaker] = useState('8');
  const [slippage, setSlippage] = useState('5');
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const common = { name: name.trim(), quoteCurrency: quote.trim(), takerFeeBps: Number(taker), makerFeeBps: Number(maker) };
      const a =
        kind === 'paper'
          ? await api.call('accounts.create', { ...common, kind, startingBalance: balance, slippageBps: Number(slippage) })
          : await api.call('accounts.create', {
              ...common,
              kind,
              exchange: exchange.trim(),
              apiKey,
              secret,
              ...(baseUrl.trim() ? { urls: { public: baseUrl.trim(), private: baseUrl.trim() } } : {}),
            });
      onCreated(a);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form className="form-grid" data-testid="account-form" onSubmit={(e) => void submit(e)}>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as 'paper' | 'live')} data-testid="account-kind">
          <option value="paper">Paper (simulated fills on the live feed)</option>
          <option value="live">Live (ccxt exchange, real money)</option>
        </select>
      </label>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} data-testid="account-name" autoFocus />
      </label>
      <label>
        Quote currency
        <input value={quote} onChange={(e) => setQuote(e.target.value.toUpperCase())} />
      </label>
      <label>
        Taker fee (bps)
        <input type="number" min={0} max={100} step="any" value={taker} onChange={(e) => setTaker(e.target.value)} />
      </label>
      <label>
        Maker fee (bps)
        <input type="number" min={0} max={100} step="any" value={maker} onChange={(e) => setMaker(e.target.value)} />
      </label>
      {kind === 'paper' ? (
        <>
          <label>
            Starting balance
            <input value={balance} onChange={(e) => setBalance(e.target.value)} data-testid="account-balance" />
          </label>
          <label>
            Slippage (bps)
            <input type="number" min={0} max={500} step="any" value={slippage} onChange={(e) => setSlippage(e.target.value)} />
          </label>
        </>
      ) : (
        <>
          <label>
            Exchange (ccxt id)
            <input value={exchange} onChange={(e) => setExchange(e.target.value.toLowerCase())} data-testid="account-exchange" />
          </label>
          <label>
            API key
            <input value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" data-testid="account-apikey" />
          </label>
          <label>
            Secret
            <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" data-testid="account-secret" />
          </label>
          <label>
            API base URL (testnet / proxy, optional)
            <input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://testnet.binance.vision/api/v3" data-testid="account-baseurl" />
          </label>
          <p className="muted wide">Keys are encrypted at rest and never shown again. Live trading stays off until you enable it with the confirmation.</p>
        </>
      )}
      <div className="wide">
        <button className="btn primary" type="submit" data-testid="account-submit">
          Create account
        </button>{' '}
        {error && <span className="error" data-testid="account-error">{error}</span>}
      </div>
    </form>
  );
}

const LIMIT_FIELDS: Array<[keyof Omit<RiskLimits, 'signalSizing'>, string]> = [
  ['maxPositionNotional', 'Max position notional'],
  ['maxOpenPositions', 'Max open positions'],
  ['maxSymbolExposurePct', 'Max exposure per symbol (% of equity)'],
  ['dailyLossLimitPct', 'Daily loss limit (%)'],
  ['maxDrawdownPct', 'Max drawdown from month peak (%)'],
  ['priceMoveTolerancePct', 'Execute asks when price moved from the signal by more than (%)'],
];

export function RiskForm({ account, onDone }: { account: Account; onDone(m: string): void }) {
  const [limits, setLimits] = useState<RiskLimits | null>(null);
  const [state, setState] = useState<RiskState | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('risk.get', { account: account.id }).then((r) => {
      setLimits(r.limits);
      setState(r.state);
      setDraft(Object.fromEntries(LIMIT_FIELDS.map(([k]) => [k, String(r.limits[k])])));
    });
  }, [account.id]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!limits) return;
    setError(null);
    try {
      const r = await api.call('risk.update', {
        account: account.id,
        limits: {
          maxPositionNotional: draft['maxPositionNotional'],
          maxOpenPositions: Number(draft['maxOpenPositions']),
          maxSymbolExposurePct: Number(draft['maxSymbolExposurePct']),
          dailyLossLimitPct: Number(draft['dailyLossLimitPct']),
          maxDrawdownPct: Number(draft['maxDrawdownPct']),
          priceMoveTolerancePct: Number(draft['priceMoveTolerancePct']),
        },
      });
      setLimits(r.limits);
      setState(r.state);
      onDone(`Risk limits of ${account.name} saved`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!limits) return <div className="muted">loading limits…</div>;
  return (
    <form className="form-grid" data-testid="risk-form" onSubmit={(e) => void save(e)}>
      {LIMIT_FIELDS.map(([k, label]) => (
        <label key={k}>
          {label}
          <input value={draft[k] ?? ''} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} data-testid={`risk-${k}`} />
        </label>
      ))}
      {state && (
        <p className="muted wide">
          Equity {Number(state.equity).toFixed(2)} · month peak {Number(state.monthPeak).toFixed(2)} · drawdown {state.drawdownPct.toFixed(2)} % · today {state.dailyPnlPct.toFixed(2)} % · stage{' '}
          <b>{state.stage}</b> (pause new entries at the drawdown limit, halve positions at 1.5×, close all at 2×)
        </p>
      )}
      <div className="wide">
        <button className="btn primary" type="submit" data-testid="risk-save">
          Save limits
        </button>{' '}
        {error && <span className="error">{error}</span>}
      </div>
    </form>
  );
}
