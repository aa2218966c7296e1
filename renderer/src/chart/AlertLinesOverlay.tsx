/**
 * Price alerts on the chart: each enabled crossing rule of the shown symbol is a horizontal
 * line labelled with its name. Alt+A creates a price alert at the price under the cursor (or
 * the last price when the cursor is off the chart); right-clicking a line offers to remove it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { LineStyle, type IPriceLine, type MouseEventParams } from 'lightweight-charts';
import { fmtPrice, type AlertRule, type PriceConditionT } from '../../../engine/api';
import { api } from '../api/client';
import { useAlerts } from '../stores/alerts';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import type { OverlayProps } from '../views/ChartView';
import '../alerts/alerts.css';

const isLine = (r: AlertRule, source: string, symbol: string): boolean => {
  if (r.kind !== 'price' || !r.enabled) return false;
  const c = r.condition as PriceConditionT;
  return c.source === source && c.symbol === symbol && c.op !== 'moves_pct';
};

export function AlertLinesOverlay({ host, chartKey, candles }: OverlayProps) {
  const rules = useAlerts((s) => s.rules);
  const refresh = useAlerts((s) => s.refresh);
  const lines = useMemo(() => rules.filter((r) => isLine(r, chartKey.source, chartKey.symbol)), [rules, chartKey.source, chartKey.symbol]);
  const cursor = useRef<number | null>(null);
  const last = candles[candles.length - 1]?.[4];
  const lastRef = useRef(last);
  lastRef.current = last;
  const [msg, setMsg] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; rule: AlertRule } | null>(null);
  const menuBtn = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (rules.length === 0) void refresh();
  }, [rules.length, refresh]);

  useEffect(() => {
    if (!host) return;
    const made: IPriceLine[] = lines.map((r) =>
      host.price.createPriceLine({ price: (r.condition as PriceConditionT).value, color: '#a371f7', lineWidth: 1, lineStyle: LineStyle.LargeDashed, axisLabelVisible: true, title: `ALERT ${r.name}` }),
    );
    return () => {
      for (const l of made) host.price.removePriceLine(l);
    };
  }, [host, lines]);

  useEffect(() => {
    if (!host) return;
    const onMove = (p: MouseEventParams) => {
      cursor.current = p.point ? host.price.coordinateToPrice(p.point.y) : null;
    };
    host.chart.subscribeCrosshairMove(onMove);
    return () => host.chart.unsubscribeCrosshairMove(onMove);
  }, [host]);

  const alertAtCursor = () => {
    const level = cursor.current ?? lastRef.current;
    const ref = lastRef.current;
    if (level === undefined || level === null || !(level > 0)) {
      setMsg('No price yet to set an alert at');
      return;
    }
    const rounded = Number(level.toPrecision(8));
    const op = ref !== undefined && rounded < ref ? 'crosses_below' : 'crosses_above';
    api
      .call('alerts.rules.create', { kind: 'price', condition: { source: chartKey.source, symbol: chartKey.symbol, op, value: rounded }, priority: 'medium', once: true })
      .then((r) => {
        setMsg(`Price alert set: ${r.name}`);
        void refresh();
      })
      .catch((err: unknown) => setMsg(`Refused: ${(err as Error).message}`));
  };
  useKeyActions(
    'chart-alert-lines',
    [keyAction('chart.priceAlert', alertAtCursor)],
    [chartKey.source, chartKey.symbol, refresh],
  );

  useEffect(() => {
    if (!host) return;
    const el = host.chart.chartElement();
    const onContext = (e: MouseEvent) => {
      const y = e.clientY - el.getBoundingClientRect().top;
      let best: { rule: AlertRule; d: number } | null = null;
      for (const r of lines) {
        const ly = host.price.priceToCoordinate((r.condition as PriceConditionT).value);
        if (ly === null) continue;
        const d = Math.abs(ly - y);
        if (d <= 6 && (!best || d < best.d)) best = { rule: r, d };
      }
      if (!best) return;
      e.preventDefault();
      setMenu({ x: e.clientX, y: e.clientY, rule: best.rule });
    };
    el.addEventListener('contextmenu', onContext);
    return () => el.removeEventListener('contextmenu', onContext);
  }, [host, lines]);

  useEffect(() => {
    if (menu) menuBtn.current?.focus();
  }, [menu]);

  // Where each line is drawn (px from the chart's top), for the context menu and for tests.
  const tag = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!host) return;
    const put = () => {
      if (!tag.current) return;
      tag.current.dataset.ys = lines.map((r) => host.price.priceToCoordinate((r.condition as PriceConditionT).value) ?? '').join(',');
      tag.current.dataset.lastY = String(lastRef.current !== undefined ? (host.price.priceToCoordinate(lastRef.current) ?? '') : '');
    };
    put();
    const t = setInterval(put, 300);
    return () => clearInterval(t);
  }, [host, lines]);

  const remove = (r: AlertRule) => {
    setMenu(null);
    api
      .call('alerts.rules.delete', { id: r.id })
      .then(() => {
        setMsg(`Price alert removed: ${r.name}`);
        void refresh();
      })
      .catch((err: unknown) => setMsg(`Refused: ${(err as Error).message}`));
  };

  return (
    <>
      <span hidden ref={tag} data-testid="alert-lines" data-count={lines.length} data-levels={lines.map((r) => (r.condition as PriceConditionT).value).join(',')} />
      {msg && (
        <span className="alert-line-msg muted" data-testid="alert-line-msg">
          {msg}
        </span>
      )}
      {menu && (
        <div className="alert-line-menu" style={{ left: menu.x, top: menu.y }} role="menu" data-testid="alert-line-menu" onKeyDown={(e) => e.key === 'Escape' && setMenu(null)} onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node) && setMenu(null)}>
          <button ref={menuBtn} role="menuitem" className="btn" onClick={() => remove(menu.rule)} data-testid="alert-line-remove">
            Remove alert {menu.rule.name} ({fmtPrice((menu.rule.condition as PriceConditionT).value)})
          </button>
        </div>
      )}
    </>
  );
}
