/** The order engine rig plus the goals module on the same real SQLite file, bus and clock. */
import { GoalsModule } from '../../engine/goals/module';
import { rig as ordersRig, type Rig } from '../orders/setup';
import { tempDir } from '../helpers/serve';
import { contractCall } from '../helpers/rig';

export interface GoalsRig extends Rig {
  goals: GoalsModule;
  restartAll(): Promise<GoalsRig>;
}

export async function goalsRig(dataDir = tempDir('sd-goals-'), clock = { now: Date.UTC(2030, 0, 1, 0, 0) }): Promise<GoalsRig> {
  const r = await ordersRig({}, dataDir, clock);
  const o = r.orders;
  const goals = new GoalsModule({ db: r.db, bus: r.bus, opts: { dataDir } as never, clock: () => clock.now }, r.notify, {
    account: (id) => o.account(id),
    accounts: () => o.accounts.list(),
    equity: (id) => o.valuation(o.account(id)).equity,
    stage: (id) => o.riskState(o.account(id)).stage,
    limits: (id) => o.limits(id),
  }, { tickMs: 3_600_000 });
  o.setHooks({ sizingFactor: (id) => goals.sizingFactor(id), drawdownLimit: (id) => goals.drawdownLimit(id) });
  goals.start();
  const close = r.close;
  const g: GoalsRig = Object.assign(r, {
    goals,
    /** A contract command through its schema, answered by the goals or the order engine. */
    call: contractCall('goals', goals.handlers, o.handlers),
    close() {
      goals.stop();
      close();
    },
    async restartAll() {
      g.close();
      return goalsRig(dataDir, clock);
    },
  });
  return g;
}
