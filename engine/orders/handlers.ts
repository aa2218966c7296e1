/** The orders area's commands, wired to the module's parts. */
import type { EquitySnapshot } from '../api/contract';
import { GOAL_SIZING_CONFIRMATION } from '../api/commands/goals';
import { ApiError } from '../api/errors';
import type { Handlers } from '../core/context';
import { createAccount, updateAccount } from './accounts-admin';
import { invariants } from './diagnostics';
import { executeSignal, previewSignal } from './signal-orders';
import { roundTrips, selectTrips } from './history';
import type { OrdersModule } from './module';

export function ordersHandlers(m: OrdersModule): Partial<Handlers> {
  return {
    'accounts.list': () => m.accounts.list(),
    'accounts.create': (i) => createAccount(m, i),
    'accounts.update': (i) => updateAccount(m, i),
    'orders.place': (i) => m.place(i, 'manual'),
    'orders.list': (q) => m.orders.list(q),
    'orders.intents': (q) => m.intents.list(q),
    'orders.fills': (q) => m.fills.list(q),
    'orders.cancel': async (q) => ({ canceled: await m.cancelOrders(q) }),
    'orders.market': async ({ account, symbol }) => m.rules(m.account(account), symbol),
    'orders.status': () => m.status(),
    'positions.list': ({ account }) => {
      const accts = account === undefined ? m.accounts.list() : [m.account(account)];
      return accts.flatMap((a) => m.positions.list(a.id).map((p) => m.toPosition(a, p)));
    },
    'positions.close': ({ account, symbol, fraction, idempotencyKey }) => m.closePosition(m.account(account), symbol, fraction ?? 1, idempotencyKey),
    'positions.closeAll': ({ account }) => m.closeAll(account),
    'positions.history': ({ account, symbol, since, limit }) => {
      const accts = account === undefined ? m.accounts.list() : [m.account(account)];
      return selectTrips(
        accts.flatMap((a) => roundTrips(m.fills.traces({ account: a.id, symbol }))),
        { since, limit },
      );
    },
    'positions.equity': ({ account, since, limit }): EquitySnapshot[] => m.equity.list(m.account(account).id, since ?? 0, limit ?? 2000),
    'risk.get': ({ account }) => {
      const a = m.account(account);
      return { limits: m.limits(a.id), state: m.riskState(a) };
    },
    'risk.update': ({ account, limits, confirm }) => {
      const a = m.account(account);
      const cur = m.limits(a.id);
      if (a.kind === 'live' && limits.goalSizing?.enabled && !cur.goalSizing.enabled && confirm !== GOAL_SIZING_CONFIRMATION) {
        throw new ApiError('UNPROCESSABLE', `Turning goal sizing on for live account ${a.name} needs confirm: "${GOAL_SIZING_CONFIRMATION}"`, { field: 'confirm', confirm: GOAL_SIZING_CONFIRMATION });
      }
      const next = { ...cur, ...limits };
      m.accounts.update(a.id, { risk: next }, m.now());
      return { limits: next, state: m.riskState(a) };
    },
    'system.killSwitch': ({ on, reason, cancelOpen }) => m.setKillSwitch(on, reason, cancelOpen),
    'diagnostics.invariants': ({ hours }) => invariants(m, hours),
    'signals.execute': ({ id, account }) => executeSignal(m, id, account),
    'signals.preview': ({ id, account }) => previewSignal(m, id, account),
  };
}
