/**
 * Add a series source: an HTTP JSON series (any numeric value a public or paid API returns), or
 * the funding / open interest / order-book series of an exchange through ccxt.
 */
import { useState } from 'react';
import { api } from '../../api/client';
import { Modal } from '../../components/Modal';
import { DialogHead } from './SourceDialog';
import { csv } from './format';

type Kind = 'http_json' | 'ccxt';
const CCXT_SERIES = ['funding', 'open_interest', 'book'] as const;

export function SeriesSourceDialog({ onClose, onDone }: { onClose: () => void; onDone: (msg: string) => void }) {
  const [kind, setKind] = useState<Kind>('http_json');
  const [id, setId] = useState('');
  const [label, setLabel] = useState('');
  const [url, setUrl] = useState('');
  const [valuePath, setValuePath] = useState('');
  const [timePath, setTimePath] = useState('');
  const [unit, setUnit] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [interval, setInterval] = useState('60');
  const [cost, setCost] = useState('');
  const [exchange, setExchange] = useState('binanceusdm');
  const [baseUrl, setBaseUrl] = useState('');
  const [symbols, setSymbols] = useState('');
  const [series, setSeries] = useState<string[]>(['funding']);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const common = { id: id.trim(), intervalSeconds: Number(interval), ...(cost.trim() ? { costPerMonth: Number(cost) } : {}) };
    try {
      const v =
        kind === 'http_json'
          ? await api.call('market.sources.add', {
              kind: 'http_json',
              ...common,
              url: url.trim(),
              valuePath: valuePath.trim(),
              label: label.trim() || id.trim(),
              ...(timePath.trim() ? { timePath: timePath.trim() } : {}),
              ...(unit.trim() ? { unit: unit.trim() } : {}),
              ...(apiKey ? { apiKey } : {}),
            })
          : await api.call('market.sources.add', {
              kind: 'ccxt',
              ...common,
              exchange: exchange.trim(),
              symbols: csv(symbols),
              timeframes: [],
              series: series as Array<(typeof CCXT_SERIES)[number]>,
              ...(label.trim() ? { label: label.trim() } : {}),
              ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
            });
      onDone(`Added ${v.id}: collecting ${v.ext?.series.join(', ') ?? 'series'} every ${common.intervalSeconds} s`);
    } catch (x) {
      setErr(`Refused: ${(x as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label="Add a series source" onClose={onClose} testid="series-dialog" className="ds-dialog" backdropClassName="ds-backdrop">
      <DialogHead title="Add a series source" onClose={onClose} />
      <form className="ds-form" noValidate onSubmit={(e) => void submit(e)}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="s-kind">
            <option value="http_json">HTTP JSON (sentiment, on-chain, any API)</option>
            <option value="ccxt">Exchange series (funding, open interest, book)</option>
          </select>
        </label>
        <label>Id<input value={id} onChange={(e) => setId(e.target.value)} placeholder="e.g. fng" data-testid="s-id" /></label>
        <label>Label<input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. Fear & Greed" data-testid="s-label" /></label>
        <label>Every (seconds)<input type="number" min={1} value={interval} onChange={(e) => setInterval(e.target.value)} data-testid="s-interval" /></label>
        <label>Cost per month<input type="number" min={0} step="any" value={cost} onChange={(e) => setCost(e.target.value)} placeholder="0 (free)" data-testid="s-cost" /></label>
        {kind === 'http_json' ? (
          <>
            <label className="ds-span">URL<input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://api.alternative.me/fng/" data-testid="s-url" /></label>
            <label>Value path<input value={valuePath} onChange={(e) => setValuePath(e.target.value)} placeholder="data[0].value  ·  data[*].value for a history" data-testid="s-value-path" /></label>
            <label>Time path<input value={timePath} onChange={(e) => setTimePath(e.target.value)} placeholder="optional: data[0].timestamp" data-testid="s-time-path" /></label>
            <label>Unit<input value={unit} onChange={(e) => setUnit(e.target.value)} placeholder="optional: index, USD…" data-testid="s-unit" /></label>
            <label>API key<input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} placeholder="optional (kept encrypted)" autoComplete="off" data-testid="s-apikey" /></label>
          </>
        ) : (
          <>
            <label>Exchange (ccxt id)<input value={exchange} onChange={(e) => setExchange(e.target.value)} data-testid="s-exchange" /></label>
            <label>Symbols<input value={symbols} onChange={(e) => setSymbols(e.target.value)} placeholder="BTC/USDT:USDT" data-testid="s-symbols" /></label>
            <label className="ds-span">Base URL<input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="optional: a proxy or testnet" data-testid="s-baseurl" /></label>
            <fieldset className="ds-span">
              <legend>Series</legend>
              {CCXT_SERIES.map((s) => (
                <label key={s} className="ds-radio">
                  <input type="checkbox" checked={series.includes(s)} onChange={(e) => setSeries(e.target.checked ? [...series, s] : series.filter((x) => x !== s))} data-testid={`s-series-${s}`} /> {s}
                </label>
              ))}
            </fieldset>
          </>
        )}
        {err && <div className="error ds-span" data-testid="series-dialog-error">{err}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Cancel (Esc)</button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="s-submit">Add series source (Enter)</button>
        </div>
      </form>
    </Modal>
  );
}
