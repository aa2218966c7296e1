/**
 * The channel editor (create / edit dialog): strategies with their params as form fields (raw
 * JSON as an advanced toggle), symbols (a list, or every symbol of a source), timeframe, feature
 * profile, gates, limits, autopilot, delivery targets. Keyboard: Tab through the fields (kept
 * inside the dialog), Ctrl+Enter saves, Esc closes.
 */
import { useEffect, useRef, useState } from 'react';
import { TIMEFRAMES, type AiReviewMode, type Channel, type ChannelInput, type DeliveryTarget, type StrategyInfo, type Timeframe } from '../../../engine/api';
import { api } from '../api/client';
import { useApp } from '../stores/app';
import { useSignals } from '../stores/signals';
import { Modal } from './Modal';
import { formFor, paramsOf, StrategyParams, type ParamsForm } from './StrategyParams';
import { DeliveryTargetsField } from './DeliveryTargetsField';
import { ConfirmOverride, promotionRefusal } from '../views/strategies/ConfirmOverride';

function initialStrategies(list: StrategyInfo[], ch: Channel | null): Record<string, ParamsForm> {
  const out: Record<string, ParamsForm> = {};
  for (const info of list) {
    const cur = ch?.strategies.find((s) => s.id === info.id);
    out[info.id] = formFor(info, cur?.params, cur !== undefined || (!ch && info.id === 'ema_cross'));
  }
  return out;
}

export function ChannelEditor() {
  const { editor, closeEditor, strategies, profiles, refresh } = useSignals();
  const app = useApp();
  const ch = editor.channel;
  const [name, setName] = useState(ch?.name ?? 'New channel');
  const [enabled, setEnabled] = useState(ch?.enabled ?? true);
  const [timeframe, setTimeframe] = useState<Timeframe>(ch?.timeframe ?? app.timeframe);
  const [source, setSource] = useState(ch?.symbols.source ?? app.source);
  const [mode, setMode] = useState<'list' | 'discovered'>(ch && 'discovered' in ch.symbols ? 'discovered' : 'list');
  const [symbols, setSymbols] = useState(ch && 'symbols' in ch.symbols ? ch.symbols.symbols.join(', ') : app.symbol);
  const [strats, setStrats] = useState<Record<string, ParamsForm>>(() => initialStrategies(strategies, ch));
  const [profile, setProfile] = useState(ch?.profile ?? '');
  const [minConfidence, setMinConfidence] = useState(String(ch?.minConfidence ?? 0));
  const [maxPerDay, setMaxPerDay] = useState(String(ch?.maxPerDay ?? 100));
  const [cooldown, setCooldown] = useState(String(ch?.cooldownMinutes ?? 0));
  const [expiryBars, setExpiryBars] = useState(String(ch?.expiryBars ?? 50));
  const [staleBars, setStaleBars] = useState(String(ch?.gates.staleBars ?? 3));
  const [maxAge, setMaxAge] = useState(String(ch?.gates.maxAgeSeconds ?? 120));
  const [maxDrift, setMaxDrift] = useState(String(ch?.gates.maxDriftPct ?? 1));
  const [autopilot, setAutopilot] = useState(ch?.autopilot ?? false);
  const [aiReview, setAiReview] = useState<AiReviewMode>(ch?.aiReview ?? 'off');
  const [delivery, setDelivery] = useState<DeliveryTarget[]>(ch?.delivery ?? ['desktop']);
  const [error, setError] = useState<string | null>(null);
  // Strategies paused in this channel (strategies.pause): kept, no signals until resumed.
  const [paused, setPaused] = useState<Set<string>>(() => new Set(ch?.strategies.filter((s) => s.paused).map((s) => s.id) ?? []));
  const [refusal, setRefusal] = useState<ReturnType<typeof promotionRefusal>>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    first.current?.focus();
    first.current?.select();
  }, []);
  const byId = new Map(strategies.map((s) => [s.id, s]));

  const build = (): ChannelInput => {
    const chosen = Object.entries(strats).filter(([, s]) => s.on);
    if (chosen.length === 0) throw new Error('Choose at least one strategy');
    const list = symbols
      .split(/[\s,]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    if (mode === 'list' && list.length === 0) throw new Error('Enter at least one symbol, or choose all symbols of the source');
    const num = (label: string, v: string): number => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${label} must be a number`);
      return n;
    };
    return {
      name,
      enabled,
      timeframe,
      symbols: mode === 'discovered' ? { source, discovered: true } : { source, symbols: list },
      strategies: chosen.map(([id, s]) => {
        const info = byId.get(id);
        if (!info) return { id, params: {}, paused: paused.has(id) };
        const r = paramsOf(info, s);
        if ('error' in r) throw new Error(r.error);
        return { id, params: r.params, paused: paused.has(id) };
      }),
      profile: profile || null,
      minConfidence: num('Minimum confidence', minConfidence),
      maxPerDay: num('Max signals per day', maxPerDay),
      cooldownMinutes: num('Cooldown', cooldown),
      expiryBars: num('Expiry bars', expiryBars),
      autopilot,
      aiReview,
      delivery,
      gates: { staleBars: num('Stale after bars', staleBars), maxAgeSeconds: num('Max signal age', maxAge), maxDriftPct: num('Max price drift', maxDrift) },
    };
  };

  const save = async (confirm?: string) => {
    setError(null);
    let input: ChannelInput;
    try {
      input = build();
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    setBusy(true);
    try {
      const withConfirm = confirm ? { ...input, confirm } : input;
      if (ch) await api.call('signals.channels.update', { id: ch.id, ...withConfirm });
      else await api.call('signals.channels.create', withConfirm);
      closeEditor();
      void refresh();
    } catch (e) {
      // The live-autopilot promotion rule: its numbers, and the typed confirmation that overrides it.
      setRefusal(promotionRefusal(e));
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <Modal label={ch ? `Edit channel ${ch.name}` : 'New signal channel'} onClose={closeEditor} onKeyDown={onKey} className="ticket channel-editor" backdropClassName="ticket-backdrop" testid="channel-editor" initialFocus='[data-testid="ch-name"]'>
        <div className="ticket-head">
          <strong>{ch ? `Edit channel #${ch.id}` : 'New signal channel'}</strong>
          <span className="muted">Ctrl+Enter save · Esc close</span>
        </div>
        <div className="ticket-form">
          <label>
            Name
            <input ref={first} value={name} onChange={(e) => setName(e.target.value)} data-testid="ch-name" />
          </label>
          <label>
            Timeframe
            <select value={timeframe} onChange={(e) => setTimeframe(e.target.value as Timeframe)} data-testid="ch-timeframe">
              {TIMEFRAMES.map((tf) => (
                <option key={tf}>{tf}</option>
              ))}
            </select>
          </label>
          <label>
            Source
            <select value={source} onChange={(e) => setSource(e.target.value)} data-testid="ch-source">
              {(app.info?.sources ?? [{ id: source }]).map((s) => (
                <option key={s.id}>{s.id}</option>
              ))}
            </select>
          </label>
          <label>
            Symbols
            <select value={mode} onChange={(e) => setMode(e.target.value as 'list' | 'discovered')} data-testid="ch-symbols-mode">
              <option value="list">These symbols</option>
              <option value="discovered">All symbols of the source</option>
            </select>
          </label>
          <label className={`wide${mode === 'discovered' ? ' dim' : ''}`}>
            Symbol list (comma separated)
            <input value={symbols} disabled={mode === 'discovered'} onChange={(e) => setSymbols(e.target.value)} list="ch-symbol-list" data-testid="ch-symbols" />
            <datalist id="ch-symbol-list">
              {app.symbols.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <fieldset className="wide ch-strategies">
            <legend>Strategies and their params</legend>
            {strategies.map((s) => {
              const f = strats[s.id] ?? formFor(s, undefined, false);
              return (
                <div key={s.id} className="ch-strategy">
                  <label className="inline" title={s.summary}>
                    <input type="checkbox" checked={f.on} onChange={(e) => setStrats({ ...strats, [s.id]: { ...f, on: e.target.checked } })} data-testid={`ch-strategy-${s.id}`} />
                    <b>{s.id}</b> <span className="muted">{s.summary}</span>
                  </label>
                  {f.on && (
                    <label className="inline ch-paused">
                      <input
                        type="checkbox"
                        checked={paused.has(s.id)}
                        onChange={(e) => setPaused((p) => new Set([...p].filter((x) => x !== s.id).concat(e.target.checked ? [s.id] : [])))}
                        data-testid={`ch-paused-${s.id}`}
                      />{' '}
                      Paused in this channel (kept, no signals)
                    </label>
                  )}
                  {f.on && <StrategyParams info={s} form={f} onChange={(nf) => setStrats((all) => ({ ...all, [s.id]: nf }))} />}
                </div>
              );
            })}
          </fieldset>
          <label>
            Feature profile
            <select value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="ch-profile">
              <option value="">(strategies' indicators only)</option>
              {profiles.map((p) => (
                <option key={p.name} value={p.name} title={p.summary}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Minimum confidence (0–1)
            <input value={minConfidence} onChange={(e) => setMinConfidence(e.target.value)} inputMode="decimal" data-testid="ch-min-confidence" />
          </label>
          <label>
            Max signals per day
            <input value={maxPerDay} onChange={(e) => setMaxPerDay(e.target.value)} inputMode="numeric" />
          </label>
          <label>
            Cooldown per symbol (min)
            <input value={cooldown} onChange={(e) => setCooldown(e.target.value)} inputMode="decimal" />
          </label>
          <label>
            Stale after (bars)
            <input value={staleBars} onChange={(e) => setStaleBars(e.target.value)} inputMode="decimal" data-testid="ch-stale-bars" />
          </label>
          <label>
            Max signal age (s)
            <input value={maxAge} onChange={(e) => setMaxAge(e.target.value)} inputMode="decimal" data-testid="ch-max-age" />
          </label>
          <label>
            Max price drift (%)
            <input value={maxDrift} onChange={(e) => setMaxDrift(e.target.value)} inputMode="decimal" data-testid="ch-max-drift" />
          </label>
          <label>
            Outcome expiry (bars)
            <input value={expiryBars} onChange={(e) => setExpiryBars(e.target.value)} inputMode="numeric" />
          </label>
          <label className="inline">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          </label>
          <label className="inline">
            <input type="checkbox" checked={autopilot} onChange={(e) => setAutopilot(e.target.checked)} data-testid="ch-autopilot" /> Autopilot (trade every signal)
          </label>
          <label>
            AI review (providers in Inbound)
            <select value={aiReview} onChange={(e) => setAiReview(e.target.value as AiReviewMode)} data-testid="ch-ai-review">
              <option value="off">off</option>
              <option value="advise">advise: show the opinions</option>
              <option value="gate">gate: a valid skip rejects (AI_SKIP)</option>
            </select>
          </label>
          <DeliveryTargetsField value={delivery} onChange={setDelivery} />
        </div>
        {error && !refusal && (
          <div className="error" role="alert" data-testid="ch-error">
            {error}
          </div>
        )}
        {refusal && <ConfirmOverride refusal={refusal} action="save with live autopilot" busy={busy} onConfirm={(c) => void save(c)} />}
        <div className="toast-actions">
          <button className="btn primary" disabled={busy} onClick={() => void save()} data-testid="ch-save">
            {ch ? 'Save' : 'Create channel'}
          </button>
          <button className="btn" onClick={closeEditor}>
            Cancel
          </button>
        </div>
    </Modal>
  );
}
