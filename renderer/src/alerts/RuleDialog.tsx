/**
 * Create / edit an alert rule, one form per kind, fully usable by keyboard: focus starts on the
 * kind, Tab stays inside, Enter saves, Escape closes. The engine's refusal is shown as it is
 * (naming the field) and the dialog stays open.
 */
import { useEffect, useRef, useState } from 'react';
import { ALERT_KINDS, ALERT_PRIORITIES, TIMEFRAMES, type AlertKind, type AlertPriority, type AlertRule, type AlertRuleInput } from '../../../engine/api';

type Fields = Record<string, string>;

const KIND_LABEL: Record<AlertKind, string> = { price: 'Price', indicator: 'Indicator', performance: 'Performance', risk: 'Risk', health: 'Health', goal: 'Goal' };

/** Form fields of each kind: [key, label, options?]. */
type FieldDef = [key: string, label: string, options?: readonly string[]];
const FORM: Record<AlertKind, FieldDef[]> = {
  price: [['source', 'Source'], ['symbol', 'Symbol'], ['op', 'Condition', ['crosses_above', 'crosses_below', 'moves_pct']], ['value', 'Level (or move %)'], ['windowMinutes', 'Within minutes (moves)']],
  indicator: [['source', 'Source'], ['symbol', 'Symbol'], ['timeframe', 'Timeframe', TIMEFRAMES], ['feature', 'Feature (rsi_14, ema_9, bb_lower_20_2, ext_fng_value…)'], ['op', 'Condition', ['<', '>', 'crosses_above', 'crosses_below']], ['rhs', 'Number or other feature']],
  performance: [['who', 'Channel id or strategy'], ['metric', 'Metric', ['win_rate', 'expectancy']], ['below', 'Below (% )'], ['lastN', 'Over the last N outcomes']],
  risk: [['account', 'Account id (empty: default)'], ['event', 'Event', ['drawdown_stage', 'daily_loss', 'exposure']], ['thresholdPct', 'Threshold %']],
  health: [['source', 'Source'], ['status', 'Status', ['failed', 'circuit_open', 'stale']], ['forMinutes', 'For minutes']],
  goal: [['goal', 'Goal id'], ['becomes', 'Becomes (at_risk, behind, achieved)']],
};

const num = (s: string | undefined): number | undefined => (s !== undefined && s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : undefined);

function fieldsOf(kind: AlertKind, c: Record<string, unknown>): Fields {
  const f: Fields = {};
  for (const [k, v] of Object.entries(c)) f[k] = Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v);
  if (kind === 'indicator') f.rhs = c.otherFeature !== undefined ? String(c.otherFeature) : c.value !== undefined ? String(c.value) : '';
  if (kind === 'performance') f.who = c.channel !== undefined ? String(c.channel) : String(c.strategy ?? '');
  return f;
}

/** The condition object of a kind from the form's strings. */
export function conditionOf(kind: AlertKind, f: Fields): Record<string, unknown> {
  const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  switch (kind) {
    case 'price':
      return drop({ source: f.source, symbol: f.symbol, op: f.op || 'crosses_above', value: num(f.value), windowMinutes: f.op === 'moves_pct' ? num(f.windowMinutes) : undefined });
    case 'indicator': {
      const v = num(f.rhs);
      return drop({ source: f.source, symbol: f.symbol, timeframe: f.timeframe || '1m', feature: f.feature?.trim(), op: f.op || '<', value: v, otherFeature: v === undefined ? f.rhs?.trim() : undefined });
    }
    case 'performance': {
      const ch = num(f.who);
      return drop({ channel: ch, strategy: ch === undefined ? f.who?.trim() : undefined, metric: f.metric || 'win_rate', below: num(f.below), lastN: num(f.lastN) });
    }
    case 'risk':
      return drop({ account: num(f.account), event: f.event || 'drawdown_stage', thresholdPct: num(f.thresholdPct) });
    case 'health':
      return drop({ source: f.source, status: f.status || 'failed', forMinutes: num(f.forMinutes) });
    case 'goal':
      return drop({ goal: num(f.goal), becomes: (f.becomes ?? '').split(/[\s,]+/).filter(Boolean) });
  }
}

function trapTab(e: React.KeyboardEvent, root: HTMLElement | null): void {
  if (e.key !== 'Tab' || !root) return;
  const els = [...root.querySelectorAll<HTMLElement>('input, select, button')].filter((x) => !x.hasAttribute('disabled'));
  if (!els.length) return;
  const first = els[0]!;
  const last = els[els.length - 1]!;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

export function RuleDialog({
  rule,
  draft,
  defaults,
  onSave,
  onClose,
}: {
  rule: AlertRule | null;
  draft?: Partial<AlertRuleInput>;
  defaults: { source: string; symbol: string };
  onSave: (input: AlertRuleInput, id: number | null) => Promise<string | null>;
  onClose: () => void;
}) {
  const init = rule ?? draft;
  const [kind, setKind] = useState<AlertKind>((init?.kind as AlertKind | undefined) ?? 'price');
  const [f, setF] = useState<Fields>(() => ({ source: defaults.source, symbol: defaults.symbol, timeframe: '1m', ...(init?.condition ? fieldsOf((init.kind as AlertKind) ?? 'price', init.condition as Record<string, unknown>) : {}) }));
  const [name, setName] = useState(rule?.name ?? (draft?.name as string | undefined) ?? '');
  const [priority, setPriority] = useState<AlertPriority>(rule?.priority ?? 'medium');
  const [targets, setTargets] = useState((rule?.delivery ?? ['desktop']).join(', '));
  const [throttle, setThrottle] = useState(String(rule?.throttleMinutes ?? 0));
  const [once, setOnce] = useState(rule?.once ?? false);
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const save = async () => {
    if (busy) return;
    setBusy(true);
    const input = {
      kind,
      condition: conditionOf(kind, f),
      ...(name.trim() ? { name: name.trim() } : {}),
      priority,
      delivery: targets.split(/[\s,]+/).filter(Boolean),
      throttleMinutes: num(throttle) ?? 0,
      once,
      enabled,
    } as AlertRuleInput;
    const err = await onSave(input, rule?.id ?? null);
    setBusy(false);
    if (err) setError(err);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName !== 'BUTTON') {
      e.preventDefault();
      void save();
    } else trapTab(e, root.current);
  };
  const set = (k: string, v: string) => setF((x) => ({ ...x, [k]: v }));
  return (
    <div className="ticket-backdrop">
      <div className="ticket alert-dialog" role="dialog" aria-modal="true" aria-label={rule ? 'Edit alert rule' : 'New alert rule'} data-testid="alert-dialog" ref={root} onKeyDown={onKeyDown}>
        <h3>{rule ? `Edit alert: ${rule.name}` : 'New alert'}</h3>
        <div className="ticket-form">
          <label>
            Kind
            <select ref={first} value={kind} disabled={!!rule} onChange={(e) => setKind(e.target.value as AlertKind)} data-testid="alert-kind">
              {ALERT_KINDS.map((k) => (
                <option key={k} value={k}>{KIND_LABEL[k]}</option>
              ))}
            </select>
          </label>
          {FORM[kind].map(([k, label, options]) => (
            <label key={`${kind}-${k}`}>
              {label}
              {options ? (
                <select value={f[k] ?? options[0]} onChange={(e) => set(k, e.target.value)} data-testid={`alert-f-${k}`}>
                  {options.map((o) => (
                    <option key={o} value={o}>{o.replace(/_/g, ' ')}</option>
                  ))}
                </select>
              ) : (
                <input value={f[k] ?? ''} onChange={(e) => set(k, e.target.value)} data-testid={`alert-f-${k}`} />
              )}
            </label>
          ))}
          <label>
            Priority
            <select value={priority} onChange={(e) => setPriority(e.target.value as AlertPriority)} data-testid="alert-priority">
              {ALERT_PRIORITIES.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            Deliver to (desktop, telegram, webhook:&lt;id&gt;)
            <input value={targets} onChange={(e) => setTargets(e.target.value)} data-testid="alert-delivery" />
          </label>
          <label>
            Throttle (minutes between firings)
            <input inputMode="decimal" value={throttle} onChange={(e) => setThrottle(e.target.value)} data-testid="alert-throttle" />
          </label>
          <label>
            Name (optional)
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} data-testid="alert-name" />
          </label>
          <label className="check">
            <input type="checkbox" checked={once} onChange={(e) => setOnce(e.target.checked)} data-testid="alert-once" /> Fire once, then disable
          </label>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="alert-enabled" /> Enabled
          </label>
        </div>
        {error && <p className="error" role="alert" data-testid="alert-error">Refused: {error}</p>}
        <div className="goal-dialog-actions">
          <button className="btn primary" onClick={() => void save()} disabled={busy} data-testid="alert-save">{rule ? 'Save' : 'Create'} <kbd>Enter</kbd></button>
          <button className="btn" onClick={onClose} data-testid="alert-cancel">Cancel <kbd>Esc</kbd></button>
        </div>
      </div>
    </div>
  );
}
