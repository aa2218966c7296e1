/**
 * A strategy's params as form fields generated from its schema (signals.strategies → params):
 * each field shows its default as the placeholder, its range and a one-line description, and is
 * validated as it is typed. Raw JSON stays available as an advanced toggle per strategy.
 */
import type { StrategyInfo, StrategyParamInfo } from '../../../engine/api';

export interface ParamsForm {
  on: boolean;
  /** Typed text per param; '' means "the default". */
  values: Record<string, string>;
  raw: boolean;
  json: string;
}

export function formFor(info: StrategyInfo, params: Record<string, unknown> | undefined, on: boolean): ParamsForm {
  const values: Record<string, string> = {};
  for (const p of info.params) {
    const v = params?.[p.name];
    values[p.name] = v === undefined || v === p.default ? '' : String(v);
  }
  return { on, values, raw: false, json: JSON.stringify(params ?? {}) };
}

const rangeText = (p: StrategyParamInfo): string => {
  if (p.min === null && p.max === null) return '';
  const lo = p.min === null ? '' : `${p.minExclusive ? '>' : '≥'} ${p.min}`;
  const hi = p.max === null ? '' : `${p.maxExclusive ? '<' : '≤'} ${p.max}`;
  return [lo, hi].filter(Boolean).join(', ');
};

/** What is wrong with a typed value, or null ('' is fine: the default applies). */
export function paramError(p: StrategyParamInfo, text: string): string | null {
  const t = text.trim();
  if (t === '' || p.type === 'boolean' || p.type === 'enum' || p.type === 'string') return null;
  const n = Number(t);
  if (!Number.isFinite(n)) return 'must be a number';
  if (p.type === 'integer' && !Number.isInteger(n)) return 'must be a whole number';
  if (p.min !== null && (p.minExclusive ? n <= p.min : n < p.min)) return `must be ${rangeText(p)}`;
  if (p.max !== null && (p.maxExclusive ? n >= p.max : n > p.max)) return `must be ${rangeText(p)}`;
  return null;
}

/** The params to send, or an error naming the strategy and the field. */
export function paramsOf(info: StrategyInfo, f: ParamsForm): { params: Record<string, unknown> } | { error: string } {
  if (f.raw) {
    try {
      const parsed: unknown = JSON.parse(f.json || '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `Params of ${info.id} must be a JSON object` };
      return { params: parsed as Record<string, unknown> };
    } catch {
      return { error: `Params of ${info.id} are not valid JSON` };
    }
  }
  const params: Record<string, unknown> = {};
  for (const p of info.params) {
    const t = (f.values[p.name] ?? '').trim();
    const e = paramError(p, t);
    if (e) return { error: `${info.id} · ${p.name} ${e}` };
    if (t === '') continue;
    params[p.name] = p.type === 'boolean' ? t === 'true' : p.type === 'enum' || p.type === 'string' ? t : Number(t);
  }
  return { params };
}

/** Switches between the fields and raw JSON, carrying the values across. */
export function toggleRaw(info: StrategyInfo, f: ParamsForm): ParamsForm {
  if (!f.raw) {
    const r = paramsOf(info, f);
    return { ...f, raw: true, json: JSON.stringify('params' in r ? r.params : {}) };
  }
  const r = paramsOf(info, f);
  if (!('params' in r)) return f; // invalid JSON stays in the raw field, where its error is shown
  return { ...formFor(info, r.params, f.on), raw: false };
}

export function StrategyParams({ info, form, onChange }: { info: StrategyInfo; form: ParamsForm; onChange: (f: ParamsForm) => void }) {
  const rawError = form.raw ? paramsOf(info, form) : null;
  return (
    <div className="ch-params" data-testid={`ch-form-${info.id}`}>
      {form.raw ? (
        <>
          <input value={form.json} disabled={!form.on} onChange={(e) => onChange({ ...form, json: e.target.value })} aria-label={`${info.id} params (JSON)`} data-testid={`ch-params-${info.id}`} />
          {rawError && 'error' in rawError && <div className="ch-param-error">{rawError.error}</div>}
        </>
      ) : (
        <div className="ch-param-grid">
          {info.params.map((p) => {
            const text = form.values[p.name] ?? '';
            const err = paramError(p, text);
            const id = `ch-param-${info.id}-${p.name}`;
            return (
              <label key={p.name} className="ch-param" title={p.description}>
                <span className="ch-param-name">
                  {p.name} <span className="muted">{rangeText(p)}</span>
                </span>
                <input
                  id={id}
                  inputMode={p.type === 'integer' ? 'numeric' : p.type === 'string' ? 'text' : 'decimal'}
                  value={text}
                  placeholder={p.default === null ? '' : `${String(p.default)} (default)`}
                  disabled={!form.on}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={`${id}-help`}
                  onChange={(e) => onChange({ ...form, values: { ...form.values, [p.name]: e.target.value } })}
                  data-testid={id}
                />
                <span id={`${id}-help`} className={err ? 'ch-param-error' : 'ch-param-help muted'} data-testid={err ? `${id}-error` : undefined}>
                  {err ? `${p.name} ${err}` : p.description}
                </span>
              </label>
            );
          })}
        </div>
      )}
      <label className="inline ch-raw-toggle">
        <input type="checkbox" checked={form.raw} onChange={() => onChange(toggleRaw(info, form))} data-testid={`ch-raw-${info.id}`} /> Advanced: raw JSON
      </label>
    </div>
  );
}
