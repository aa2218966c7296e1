/**
 * Alerts state in the window: the list (fed by `alert.fired` / `alert.updated`), rules, stats,
 * the tab (Active / History), filters, selection and the rule dialog's open state.
 */
import { create } from 'zustand';
import type { Alert, AlertKind, AlertPriority, AlertRule, AlertStats, AlertStatus, AlertRuleInput } from '../../../engine/api';
import { api } from '../api/client';

export type AlertsTab = 'active' | 'history';
export interface AlertFilters {
  status: AlertStatus | '';
  priority: AlertPriority | '';
  kind: AlertKind | '';
}
/** What the rule dialog opens with: a rule to edit, or a draft for a new one (e.g. from the chart). */
export type DialogState = { open: false } | { open: true; rule: AlertRule | null; draft?: Partial<AlertRuleInput> };

interface AlertsState {
  alerts: Alert[];
  rules: AlertRule[];
  stats: AlertStats | null;
  tab: AlertsTab;
  filters: AlertFilters;
  selectedId: number | null;
  dialog: DialogState;
  error: string | null;
  refresh(): Promise<void>;
  setTab(t: AlertsTab): void;
  setFilters(f: Partial<AlertFilters>): void;
  select(id: number | null): void;
  openDialog(rule: AlertRule | null, draft?: Partial<AlertRuleInput>): void;
  closeDialog(): void;
}

/** The Active tab: alerts still to be dealt with (active, snoozed, acknowledged). */
export const isOpen = (a: Alert): boolean => a.status !== 'resolved';

export function shown(alerts: readonly Alert[], tab: AlertsTab, f: AlertFilters): Alert[] {
  return alerts.filter((a) => (tab === 'active' ? isOpen(a) : true) && (!f.status || a.status === f.status) && (!f.priority || a.priority === f.priority) && (!f.kind || a.kind === f.kind));
}

let statsTimer: ReturnType<typeof setTimeout> | null = null;

export const useAlerts = create<AlertsState>((set) => ({
  alerts: [],
  rules: [],
  stats: null,
  tab: 'active',
  filters: { status: '', priority: '', kind: '' },
  selectedId: null,
  dialog: { open: false },
  error: null,
  refresh: async () => {
    try {
      const [alerts, rules, stats] = await Promise.all([api.call('alerts.list', { limit: 1000 }), api.call('alerts.rules.list', {}), api.call('alerts.stats', {})]);
      set({ alerts, rules, stats, error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setTab: (tab) => set({ tab }),
  setFilters: (f) => set((s) => ({ filters: { ...s.filters, ...f } })),
  select: (selectedId) => set({ selectedId }),
  openDialog: (rule, draft) => set({ dialog: { open: true, rule, draft } }),
  closeDialog: () => set({ dialog: { open: false } }),
}));

function later(): void {
  if (statsTimer) return;
  statsTimer = setTimeout(() => {
    statsTimer = null;
    void Promise.all([api.call('alerts.stats', {}), api.call('alerts.rules.list', {})]).then(([stats, rules]) => useAlerts.setState({ stats, rules }), () => undefined);
  }, 300);
}

function upsert(a: Alert & { deleted?: boolean }): void {
  useAlerts.setState((st) => {
    const i = st.alerts.findIndex((x) => x.id === a.id);
    if (a.deleted) return i >= 0 ? { alerts: st.alerts.filter((x) => x.id !== a.id) } : {};
    if (i >= 0) {
      const next = st.alerts.slice();
      next[i] = a;
      return { alerts: next };
    }
    return { alerts: [a, ...st.alerts].slice(0, 1000) };
  });
  later();
}

api.subscribe('alert.fired', upsert);
api.subscribe('alert.updated', upsert);
api.subscribe('alerts.rules.changed', () => later());
api.onConnection((c) => {
  if (c === 'open') void useAlerts.getState().refresh();
});
