/**
 * Alerts: stat cards, Active and History tabs, filters by status / priority / kind, the list
 * worked from the keyboard, and the rules with their create / edit dialog.
 * Keyboard (list focused, as it is on opening): ↑/↓ (or j/k) select · A acknowledge ·
 * Shift+A acknowledge all shown · R resolve · Z snooze 15 min · Del delete · E edit its rule.
 * Anywhere in the view: N new alert rule · L focus the list.
 */
import { useEffect, useRef, useState } from 'react';
import { ALERT_KINDS, ALERT_PRIORITIES, ALERT_STATUSES, type Alert, type AlertRule, type AlertRuleInput } from '../../../engine/api';
import { api } from '../api/client';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { useListSelection } from '../keyboard/use-list-selection';
import { useApp } from '../stores/app';
import { shown, useAlerts } from '../stores/alerts';
import { RuleDialog } from '../alerts/RuleDialog';
import '../alerts/alerts.css';

const time = (t: number): string => new Date(t).toISOString().slice(5, 19).replace('T', ' ');

export function AlertsView() {
  const { alerts, rules, stats, tab, filters, selectedId, dialog, error, refresh, setTab, setFilters, select, openDialog, closeDialog } = useAlerts();
  const app = useApp();
  const [msg, setMsg] = useState<string | null>(null);
  const list = useRef<HTMLTableElement>(null);
  const rows = shown(alerts, tab, filters);
  const idx = Math.max(0, rows.findIndex((a) => a.id === selectedId));
  const sel: Alert | undefined = rows[idx];

  useEffect(() => {
    void refresh();
    list.current?.focus();
  }, [refresh]);
  useEffect(() => {
    if (rows.length && (selectedId === null || !rows.some((a) => a.id === selectedId))) select(rows[0]!.id);
  }, [rows, selectedId, select]);
  useEffect(() => {
    list.current?.querySelector('tr.sel')?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const act = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
      setMsg(what);
    } catch (e) {
      setMsg(`Refused: ${(e as Error).message}`);
    }
    void refresh();
  };

  const editRuleOf = (a: Alert) => {
    const r = rules.find((x) => x.id === a.ruleId);
    if (r) openDialog(r);
    else setMsg(`The rule of alert #${a.id} was deleted`);
  };

  const plural = (n: number) => `${n} alert${n === 1 ? '' : 's'}`;
  const ackAll = () => {
    const ids = rows.filter((a) => a.status === 'active' || a.status === 'snoozed').map((a) => a.id);
    if (ids.length) void act(`Acknowledged ${plural(ids.length)}`, () => api.call('alerts.ack', { ids }));
    else setMsg('Nothing to acknowledge among the alerts shown');
  };
  const onSel = (f: (a: Alert) => void) => () => {
    if (sel) f(sel);
  };
  const ack = onSel((a) => void act(`Acknowledged alert #${a.id}`, () => api.call('alerts.ack', { id: a.id })));
  const resolve = onSel((a) => void act(`Resolved alert #${a.id}`, () => api.call('alerts.resolve', { id: a.id })));
  const snooze = onSel((a) => void act(`Snoozed alert #${a.id} for 15 min`, () => api.call('alerts.snooze', { id: a.id, minutes: 15 })));
  const remove = onSel((a) => void act(`Deleted alert #${a.id}`, () => api.call('alerts.delete', { id: a.id })));
  const editRule = onSel(editRuleOf);

  // N and L work anywhere in the view; the others are the alert list's own keys (listed here, handled by the list).
  useKeyActions(
    'alerts',
    [
      keyAction('alerts.newRule', () => openDialog(null)),
      keyAction('alerts.focusList', () => list.current?.focus()),
      keyAction('alerts.ack', ack),
      keyAction('alerts.ackAll', ackAll),
      keyAction('alerts.resolve', resolve),
      keyAction('alerts.snooze', snooze),
      keyAction('alerts.delete', remove),
      keyAction('alerts.editRule', editRule),
    ],
    [sel?.id, rows, rules, openDialog],
  );
  const nav = useListSelection(rows.length, { sel: idx, setSel: (i) => select(rows[i]?.id ?? null) });

  const onListKey = (e: React.KeyboardEvent) => {
    if (nav.onKey(e)) return;
    const k = e.key;
    if (k === 'A' && e.shiftKey) ackAll();
    else if (sel && k === 'a') ack();
    else if (sel && (k === 'r' || k === 'R')) resolve();
    else if (sel && (k === 'z' || k === 'Z')) snooze();
    else if (sel && (k === 'Delete' || k === 'Backspace')) remove();
    else if (sel && (k === 'e' || k === 'E')) editRule();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const save = async (input: AlertRuleInput, id: number | null): Promise<string | null> => {
    try {
      const r = id === null ? await api.call('alerts.rules.create', input) : await api.call('alerts.rules.update', { id, ...input, condition: input.condition as Record<string, unknown> });
      closeDialog();
      setMsg(`Alert rule ${id === null ? 'created' : 'saved'}: ${r.name}`);
      void refresh();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  const toggleRule = (r: AlertRule) => void act(`${r.enabled ? 'Disabled' : 'Enabled'} rule ${r.name}`, () => api.call('alerts.rules.update', { id: r.id, enabled: !r.enabled }));
  const deleteRule = (r: AlertRule) => void act(`Deleted rule ${r.name}`, () => api.call('alerts.rules.delete', { id: r.id }));

  return (
    <div className="alerts-view" data-testid="view-alerts">
      <div className="alerts-head">
        <h2>Alerts</h2>
        <button className="btn primary" onClick={() => openDialog(null)} data-testid="new-alert">
          + New alert <kbd>N</kbd>
        </button>
        <span className="muted">
          ↑↓ select · <kbd>A</kbd> acknowledge (<kbd>Shift+A</kbd> all shown) · <kbd>R</kbd> resolve · <kbd>Z</kbd> snooze 15 min · <kbd>Del</kbd> delete · <kbd>E</kbd> edit rule · <kbd>L</kbd> list
        </span>
        {msg && <span className="muted" data-testid="alerts-msg">{msg}</span>}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="alert-stats" data-testid="alert-stats">
        {(['active', 'acknowledged', 'snoozed', 'resolved'] as const).map((k) => (
          <div key={k} className={`alert-stat stat-${k}`} data-testid={`alert-stat-${k}`}>
            <div className="alert-stat-n">{stats?.[k] ?? 0}</div>
            <div className="muted">{k}</div>
          </div>
        ))}
        <div className="alert-stat" data-testid="alert-stat-total">
          <div className="alert-stat-n">{stats?.total ?? 0}</div>
          <div className="muted">
            total · {ALERT_PRIORITIES.filter((p) => stats?.byPriority[p]).map((p) => `${stats!.byPriority[p]} ${p}`).join(' · ') || 'none yet'}
          </div>
        </div>
      </div>
      <div className="alerts-bar">
        <div className="tf-group" role="tablist" aria-label="Alerts">
          {(['active', 'history'] as const).map((t) => (
            <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)} data-testid={`alerts-tab-${t}`}>
              {t === 'active' ? 'Active' : 'History'}
            </button>
          ))}
        </div>
        <label>
          Status{' '}
          <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as typeof filters.status })} data-testid="alerts-filter-status">
            <option value="">any</option>
            {ALERT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Priority{' '}
          <select value={filters.priority} onChange={(e) => setFilters({ priority: e.target.value as typeof filters.priority })} data-testid="alerts-filter-priority">
            <option value="">any</option>
            {ALERT_PRIORITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Kind{' '}
          <select value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value as typeof filters.kind })} data-testid="alerts-filter-kind">
            <option value="">any</option>
            {ALERT_KINDS.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <span className="muted">{rows.length} shown</span>
      </div>
      <div className="alerts-body">
        <table className="grid alerts-list" tabIndex={0} ref={list} onKeyDown={onListKey} data-testid="alerts-list" aria-label="Alerts (keyboard: A R Z Del Shift+A)">
          <thead>
            <tr>
              <th>Fired</th>
              <th>Priority</th>
              <th>Kind</th>
              <th>Status</th>
              <th>Message</th>
              <th>Rule</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} className={a.id === sel?.id ? 'sel' : ''} onClick={() => select(a.id)} data-testid="alert-row" data-id={a.id} data-status={a.status}>
                <td className="mono">{time(a.firedAt)}</td>
                <td><span className={`prio prio-${a.priority}`}>{a.priority}</span></td>
                <td>{a.kind}</td>
                <td data-testid="alert-status">{a.status}{a.status === 'snoozed' && a.snoozedUntil ? ` until ${time(a.snoozedUntil).slice(6)}` : ''}</td>
                <td className="wrap" data-testid="alert-message">
                  {a.message}
                  {a.resolution && <div className="muted">{a.resolution}</div>}
                </td>
                <td className="muted">{a.ruleName}</td>
              </tr>
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={6} className="muted">{tab === 'active' ? 'No active alerts. Press N to set one, or Alt+A on the chart.' : 'No alerts yet.'}</td>
              </tr>
            )}
          </tbody>
        </table>
        <div className="alert-rules" data-testid="alert-rules">
          <h3>Rules ({rules.length})</h3>
          <table className="grid">
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} data-testid="alert-rule" className={r.enabled ? '' : 'dim'}>
                  <td className="wrap">
                    <strong>{r.name}</strong>
                    <div className="muted">{r.kind} · {r.priority} · {r.delivery.join(', ') || 'no target'}{r.throttleMinutes ? ` · every ${r.throttleMinutes} min at most` : ''}{r.once ? ' · once' : ''}</div>
                  </td>
                  <td className="actions">
                    <button className="btn" onClick={() => openDialog(r)}>Edit</button>
                    <button className="btn" onClick={() => toggleRule(r)}>{r.enabled ? 'Disable' : 'Enable'}</button>
                    <button className="btn" onClick={() => deleteRule(r)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {dialog.open && <RuleDialog rule={dialog.rule} draft={dialog.draft} defaults={{ source: app.source, symbol: app.symbol }} onSave={save} onClose={closeDialog} />}
    </div>
  );
}
