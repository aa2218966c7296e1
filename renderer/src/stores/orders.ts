/**
 * Orders state in the window: status (kill switch, PAPER/LIVE, equity), positions, orders,
 * intents and fills — loaded through the contract and kept live by order events. Also the
 * ticket's open/close state, so any view (and the hotkeys) can open it.
 */
import { create } from 'zustand';
import type { Account, Fill, Order, OrderIntent, OrderSide, OrdersStatus, Position } from '../../../engine/api';
import { api } from '../api/client';

interface OrdersState {
  status: OrdersStatus | null;
  accounts: Account[];
  /** An account chosen in this window; null = the engine's default account (what autopilot uses). */
  accountId: number | null;
  positions: Position[];
  orders: Order[];
  intents: OrderIntent[];
  fills: Fill[];
  ticket: { open: boolean; side: OrderSide; seq: number };
  killConfirm: boolean;
  flattenConfirm: boolean;
  error: string | null;
  refresh(): Promise<void>;
  openTicket(side: OrderSide): void;
  closeTicket(): void;
  setKillConfirm(v: boolean): void;
  setFlattenConfirm(v: boolean): void;
  setAccount(id: number): void;
}

let timer: ReturnType<typeof setTimeout> | null = null;

export const useOrders = create<OrdersState>((set) => ({
  status: null,
  accounts: [],
  accountId: null,
  positions: [],
  orders: [],
  intents: [],
  fills: [],
  ticket: { open: false, side: 'buy', seq: 0 },
  killConfirm: false,
  flattenConfirm: false,
  error: null,
  refresh: async () => {
    try {
      const [status, accounts, positions, orders, intents, fills] = await Promise.all([
        api.call('orders.status', {}),
        api.call('accounts.list', {}),
        api.call('positions.list', {}),
        api.call('orders.list', { limit: 200 }),
        api.call('orders.intents', { limit: 200 }),
        api.call('orders.fills', { limit: 500 }),
      ]);
      // accountId stays null unless chosen: the UI then follows the engine's default account, the one
      // autopilot trades on, so PAPER / LIVE in the status bar and ticket is never stale.
      set({ status, accounts, positions, orders, intents, fills, error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  openTicket: (side) => set((s) => ({ ticket: { open: true, side, seq: s.ticket.seq + 1 } })),
  closeTicket: () => set((s) => ({ ticket: { ...s.ticket, open: false } })),
  setKillConfirm: (killConfirm) => set({ killConfirm }),
  setFlattenConfirm: (flattenConfirm) => set({ flattenConfirm }),
  setAccount: (accountId) => set({ accountId }),
}));

/** Coalesces bursts of order events into one refresh. */
function scheduleRefresh(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    void useOrders.getState().refresh();
  }, 150);
}

api.subscribe('order.intent', (i) => {
  useOrders.setState((s) => ({ intents: [i, ...s.intents.filter((x) => x.id !== i.id)] }));
  scheduleRefresh();
});
api.subscribe('order.updated', scheduleRefresh);
api.subscribe('order.fill', scheduleRefresh);
api.subscribe('position.updated', scheduleRefresh);
api.subscribe('orders.status', (status) => useOrders.setState({ status }));
api.onConnection((c) => {
  if (c === 'open') void useOrders.getState().refresh();
});

/** The account the UI trades on, and whether it is live. */
export function currentAccount(s: Pick<OrdersState, 'accounts' | 'accountId' | 'status'>): Account | undefined {
  const id = s.accountId ?? s.status?.defaultAccountId;
  return s.accounts.find((a) => a.id === id);
}
