/**
 * Goals in the window: goals with their status, the sizing factor and stance, the adjustment log
 * and the selected goal's history — loaded through the contract for the account the UI trades on,
 * refreshed on `goal.status` and on a short poll (engine time moves on its own, fast on the sim).
 */
import { create } from 'zustand';
import type { Goal, GoalAdjustment, GoalSizing, GoalSnapshot, GoalStatus, GoalStatusWord, OrderIntent } from '../../../engine/api';
import { api } from '../api/client';

interface GoalsState {
  accountId: number | null;
  goals: Goal[];
  statuses: GoalStatus[];
  sizing: GoalSizing | null;
  adjustments: GoalAdjustment[];
  /** Recent signal orders with the goal factor applied to their size, and why. */
  sized: OrderIntent[];
  selected: number | null;
  history: GoalSnapshot[];
  error: string | null;
  refresh(accountId?: number | null): Promise<void>;
  select(id: number | null): void;
}

export const useGoals = create<GoalsState>((set, get) => ({
  accountId: null,
  goals: [],
  statuses: [],
  sizing: null,
  adjustments: [],
  sized: [],
  selected: null,
  history: [],
  error: null,
  refresh: async (accountId) => {
    const account = (accountId === undefined ? get().accountId : accountId) ?? undefined;
    try {
      const [goals, statuses, sizing, adjustments, intents] = await Promise.all([
        api.call('goals.list', { account }),
        api.call('goals.status', { account }),
        api.call('goals.sizing', { account }),
        api.call('goals.adjustments', { account, limit: 50 }),
        api.call('orders.intents', { account, limit: 200 }),
      ]);
      const sized = intents.filter((i) => i.sizingFactor !== null && i.sizingFactor !== undefined).slice(0, 8);
      const selected = goals.some((g) => g.id === get().selected) ? get().selected : (goals[0]?.id ?? null);
      const history = selected === null ? [] : await api.call('goals.history', { id: selected });
      set({ accountId: account ?? null, goals, statuses, sizing, adjustments, sized, selected, history, error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  select: (id) => {
    set({ selected: id });
    void get().refresh();
  },
}));

export const STATUS_LABEL: Record<GoalStatusWord, string> = { achieved: 'achieved', on_track: 'on track', at_risk: 'at risk', behind: 'behind' };
const RANK: Record<GoalStatusWord, number> = { achieved: 0, on_track: 1, at_risk: 2, behind: 3 };

/** The worst status among goals (behind > at risk > on track > achieved), or null without goals. */
export function worstStatus(statuses: readonly GoalStatus[]): GoalStatusWord | null {
  let worst: GoalStatusWord | null = null;
  for (const s of statuses) if (worst === null || RANK[s.status] > RANK[worst]) worst = s.status;
  return worst;
}

/** The default account's goal statuses for the status bar, kept fresh on events and a slow poll. */
interface GoalsBarState {
  statuses: GoalStatus[];
  refresh(): Promise<void>;
}
export const useGoalsBar = create<GoalsBarState>((set) => ({
  statuses: [],
  refresh: async () => {
    try {
      const status = await api.call('orders.status', {});
      set({ statuses: await api.call('goals.status', { account: status.defaultAccountId || undefined }) });
    } catch {
      // The status bar keeps its last answer; the connection indicator says when the engine is away.
    }
  },
}));

api.subscribe('goal.status', () => {
  void useGoalsBar.getState().refresh();
  void useGoals.getState().refresh();
});
api.onConnection((c) => {
  if (c === 'open') void useGoalsBar.getState().refresh();
});
