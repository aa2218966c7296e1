/** Add or edit a market source (exchange via ccxt, or a CSV replay). Required fields start empty. */
import { useEffect, useState } from 'react';
import { TIMEFRAMES, type SourceView, type Timeframe } from '../../../../engine/api';
import { api } from '../../api/client';
import { useSources } from '../../stores/sources';
import { Modal } from '../../components/Modal';
import { csv } from './format';

/** The title row of a data-source dialog, with its close button. */
export function DialogHead({ title, onClose }: { title: string; onClose: () => void }) {
  return (
    <div className="ds-dialog-head">
      <h3>{title}</h3>
      <button className="toast-x" onClick={onClose} aria-label="Close">×</button>
    </div>
  );
}

/** "required" beside a field's name; red while the field is empty. */
function Req({ empty }: { empty: boolean }) {
  return <span className={empty ? 'req req-empty' : 'req'} data-testid={empty ? 'required-empty' : undefined}>required</span>;
}

/** The names of required fields that are still empty (what the dialog says before submit). */
export function missingFields(f: { edit: boolean; kind: 'ccxt' | 'replay'; id: string; exchange: string; mode: 'list' | 'discovery'; symbols: string; top: string; tfs: Timeframe[]; path: string; rSymbol: string }): string[] {
  const out: string[] = [];
  if (!f.edit && !f.id.trim()) out.push('Id');
  if (f.kind === 'ccxt') {
    if (!f.exchange.trim()) out.push('Exchange');
    if (f.mode === 'list' && csv(f.symbols).length === 0) out.push('Symbols');
    if (f.mode === 'discovery' && !f.top.trim()) out.push('Top N');
    if (f.tfs.length === 0) out.push('Timeframes');
  } else {
    if (!f.path.trim()) out.push('CSV file');
    if (!f.rSymbol.trim()) out.push('Symbol');
  }
  return out;
}

export function SourceDialog({ edit, onClose, onDone }: { edit?: SourceView; onClose: () => void; onDone: (msg: string) => void }) {
  const { exchanges, loadExchanges } = useSources();
  useEffect(() => void loadExchanges(), [loadExchanges]);
  const [kind, setKind] = useState<'ccxt' | 'replay'>(edit?.kind === 'replay' ? 'replay' : 'ccxt');
  const [id, setId] = useState(edit?.id ?? '');
  const [label, setLabel] = useState(edit?.label ?? '');
  const [exchange, setExchange] = useState(edit?.exchange ?? '');
  const [mode, setMode] = useState<'list' | 'discovery'>(edit?.discovery ? 'discovery' : 'list');
  const [symbols, setSymbols] = useState((edit?.configuredSymbols ?? []).join(', '));
  const [top, setTop] = useState(String(edit?.discovery?.top ?? 20));
  const [quote, setQuote] = useState(edit?.discovery?.quote ?? 'USDT');
  const [minVol, setMinVol] = useState(edit?.discovery?.minQuoteVolume !== undefined ? String(edit.discovery.minQuoteVolume) : '');
  const [include, setInclude] = useState((edit?.discovery?.include ?? []).join(', '));
  const [exclude, setExclude] = useState((edit?.discovery?.exclude ?? []).join(', '));
  const [tfs, setTfs] = useState<Timeframe[]>(edit?.kind === 'ccxt' ? edit.timeframes : ['1m', '1h']);
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [password, setPassword] = useState('');
  const [sandbox, setSandbox] = useState(edit?.sandbox ?? false);
  const [baseUrl, setBaseUrl] = useState(edit?.baseUrl ?? '');
  const [path, setPath] = useState(edit?.replay?.path ?? '');
  const [rSymbol, setRSymbol] = useState(edit?.replay?.symbol ?? '');
  const [rTf, setRTf] = useState<Timeframe>(edit?.replay?.timeframe ?? '1m');
  const [speed, setSpeed] = useState(String(edit?.replay?.speed ?? 60));
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const missing = missingFields({ edit: !!edit, kind, id, exchange, mode, symbols, top, tfs, path, rSymbol });
  const [tried, setTried] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErr(null);
    setTried(true);
    if (missing.length) return;
    setBusy(true);
    try {
      if (kind === 'ccxt') {
        const discovery =
          mode === 'discovery'
            ? {
                top: Number(top),
                ...(quote ? { quote: quote.toUpperCase() } : {}),
                ...(minVol ? { minQuoteVolume: Number(minVol) } : {}),
                ...(csv(include).length ? { include: csv(include) } : {}),
                ...(csv(exclude).length ? { exclude: csv(exclude) } : {}),
                spotOnly: true,
              }
            : undefined;
        const keys = { ...(apiKey ? { apiKey } : {}), ...(secret ? { secret } : {}), ...(password ? { password } : {}) };
        if (edit) {
          await api.call('market.sources.update', {
            id: edit.id,
            ...(label ? { label } : {}),
            exchange,
            symbols: mode === 'list' ? csv(symbols) : null,
            discovery: discovery ?? null,
            timeframes: tfs,
            sandbox,
            baseUrl: baseUrl || null,
            ...keys,
          });
        } else {
          await api.call('market.sources.add', {
            id,
            kind: 'ccxt',
            exchange,
            ...(label ? { label } : {}),
            ...(mode === 'list' ? { symbols: csv(symbols) } : { discovery }),
            timeframes: tfs,
            ...(sandbox ? { sandbox } : {}),
            ...(baseUrl ? { baseUrl } : {}),
            ...keys,
          });
        }
      } else if (edit) {
        await api.call('market.sources.update', { id: edit.id, ...(label ? { label } : {}), path, symbol: rSymbol.toUpperCase(), timeframe: rTf, speed: Number(speed) });
      } else {
        await api.call('market.sources.add', { id, kind: 'replay', ...(label ? { label } : {}), path, symbol: rSymbol.toUpperCase(), timeframe: rTf, speed: Number(speed) });
      }
      onDone(`${edit ? 'Saved' : 'Added'} ${edit?.id ?? id}`);
      onClose();
    } catch (e2) {
      const x = e2 as Error & { details?: { issues?: Array<{ path: string; message: string }> } };
      setErr(x.details?.issues?.length ? x.details.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ') : x.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label={edit ? `Edit ${edit.id}` : 'Add a data source'} onClose={onClose} testid="source-dialog" className="ds-dialog" backdropClassName="ds-backdrop">
      <DialogHead title={edit ? `Edit ${edit.id}` : 'Add a data source'} onClose={onClose} />
      <form className="ds-form" noValidate onSubmit={(e) => void submit(e)}>
        {!edit && (
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'ccxt' | 'replay')} data-testid="f-kind">
              <option value="ccxt">Exchange (ccxt)</option>
              <option value="replay">CSV replay</option>
            </select>
          </label>
        )}
        <label>
          <span>Id {!edit && <Req empty={!id.trim()} />}</span>
          <input value={id} onChange={(e) => setId(e.target.value)} disabled={!!edit} placeholder="e.g. binance" required aria-invalid={!edit && !id.trim()} data-testid="f-id" />
        </label>
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="optional" />
        </label>
        {kind === 'ccxt' ? (
          <>
            <label>
              <span>Exchange <Req empty={!exchange.trim()} /></span>
              <input list="ccxt-exchanges" value={exchange} onChange={(e) => setExchange(e.target.value.trim().toLowerCase())} placeholder="e.g. binance" required aria-invalid={!exchange.trim()} data-testid="f-exchange" />
              <datalist id="ccxt-exchanges">{exchanges.map((x) => <option key={x} value={x} />)}</datalist>
            </label>
            <fieldset className="ds-span">
              <legend>Symbols {mode === 'list' && <Req empty={csv(symbols).length === 0} />}</legend>
              <label className="ds-radio"><input type="radio" checked={mode === 'list'} onChange={() => setMode('list')} /> Explicit list</label>
              <label className="ds-radio"><input type="radio" checked={mode === 'discovery'} onChange={() => setMode('discovery')} data-testid="f-discovery" /> Discovery: top N by 24h quote volume</label>
              {mode === 'list' ? (
                <input value={symbols} onChange={(e) => setSymbols(e.target.value)} placeholder="e.g. BTC/USDT, ETH/USDT" aria-invalid={csv(symbols).length === 0} data-testid="f-symbols" />
              ) : (
                <div className="ds-disc-grid">
                  <label>Top N<input type="number" min={1} max={1000} value={top} onChange={(e) => setTop(e.target.value)} data-testid="f-top" /></label>
                  <label>Quote<input value={quote} onChange={(e) => setQuote(e.target.value)} placeholder="USDT" /></label>
                  <label>Min 24h quote volume<input type="number" min={0} value={minVol} onChange={(e) => setMinVol(e.target.value)} placeholder="0" /></label>
                  <label>Include<input value={include} onChange={(e) => setInclude(e.target.value)} placeholder="BTC/USDT" /></label>
                  <label>Exclude<input value={exclude} onChange={(e) => setExclude(e.target.value)} placeholder="USDC/USDT" /></label>
                </div>
              )}
            </fieldset>
            <fieldset className="ds-span">
              <legend>Timeframes <Req empty={tfs.length === 0} /></legend>
              {TIMEFRAMES.map((tf) => (
                <label key={tf} className="ds-radio">
                  <input type="checkbox" checked={tfs.includes(tf)} onChange={(e) => setTfs(e.target.checked ? TIMEFRAMES.filter((x) => x === tf || tfs.includes(x)) : tfs.filter((x) => x !== tf))} /> {tf}
                </label>
              ))}
            </fieldset>
            <label>
              API key {edit?.hasKeys && <span className="muted">(stored — blank keeps it)</span>}
              <input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" placeholder="not needed for market data" />
            </label>
            <label>
              Secret
              <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
            </label>
            <label>
              Password <span className="muted">(some exchanges)</span>
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
            </label>
            <label>
              Base URL <span className="muted">(testnet, proxy)</span>
              <input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value.trim())} placeholder="https://testnet.binance.vision" data-testid="f-baseurl" />
            </label>
            <label className="ds-radio"><input type="checkbox" checked={sandbox} onChange={(e) => setSandbox(e.target.checked)} /> Sandbox / testnet mode</label>
          </>
        ) : (
          <>
            <label className="ds-span">
              <span>CSV file (timestamp,open,high,low,close,volume; ms UTC) <Req empty={!path.trim()} /> <span className="muted">— a name in the data folder&apos;s imports/, or an absolute path in an allowed folder (I shows them)</span></span>
              <span className="csv-file-row">
                <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="e.g. btc-1m.csv" required data-testid="f-path" />
                {window.signaldesk?.pickFile && (
                  <button type="button" className="btn" onClick={() => void window.signaldesk!.pickFile!('open').then((p) => p && setPath(p))}>Choose…</button>
                )}
              </span>
            </label>
            <label><span>Symbol <Req empty={!rSymbol.trim()} /></span><input value={rSymbol} onChange={(e) => setRSymbol(e.target.value)} placeholder="e.g. BTC/USDT" required data-testid="f-rsymbol" /></label>
            <label>Timeframe<select value={rTf} onChange={(e) => setRTf(e.target.value as Timeframe)}>{TIMEFRAMES.map((t) => <option key={t}>{t}</option>)}</select></label>
            <label>Speed (× real time)<input type="number" min={0.001} step="any" value={speed} onChange={(e) => setSpeed(e.target.value)} /></label>
          </>
        )}
        {missing.length > 0 && (
          <div className={`ds-span ${tried ? 'error' : 'muted'}`} data-testid="dialog-missing">
            Required, still empty: {missing.join(', ')}. The grey examples in the fields are hints, not values.
          </div>
        )}
        {err && <div className="error ds-span" data-testid="dialog-error">{err}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Cancel (Esc)</button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="f-submit">{edit ? 'Save' : 'Add source'} (Enter)</button>
        </div>
      </form>
    </Modal>
  );
}

