/** One run's metrics, monthly returns, goal evaluation and trades (with why each was filled where it was). */
import type { BacktestMetricsView, BacktestRun } from '../../../../engine/api';
import { EquityChart } from './EquityChart';
import { TradesChart } from './TradesChart';
import { f2, fdur, fpx, fts } from './format';

/** The metrics shown, in order: [name as in the API, label, formatter]. */
export const METRIC_ROWS: Array<[keyof BacktestMetricsView, string, (m: BacktestMetricsView) => string]> = [
  ['finalEquity', 'Final equity', (m) => f2(m.finalEquity)],
  ['totalReturnPct', 'Total return %', (m) => f2(m.totalReturnPct)],
  ['cagrPct', 'CAGR %', (m) => f2(m.cagrPct)],
  ['maxDrawdownPct', 'Max drawdown %', (m) => f2(m.maxDrawdownPct)],
  ['maxDrawdownDurationMs', 'Drawdown duration', (m) => fdur(m.maxDrawdownDurationMs)],
  ['sharpe', 'Sharpe', (m) => f2(m.sharpe)],
  ['sortino', 'Sortino', (m) => f2(m.sortino)],
  ['calmar', 'Calmar', (m) => f2(m.calmar)],
  ['profitFactor', 'Profit factor', (m) => f2(m.profitFactor)],
  ['winRatePct', 'Win rate %', (m) => f2(m.winRatePct)],
  ['expectancy', 'Expectancy', (m) => f2(m.expectancy)],
  ['trades', 'Trades', (m) => String(m.trades)],
  ['avgTradePct', 'Avg trade %', (m) => f2(m.avgTradePct)],
  ['avgTradeDurationMs', 'Avg duration', (m) => fdur(m.avgTradeDurationMs)],
  ['exposurePct', 'Exposure %', (m) => f2(m.exposurePct)],
  ['feesPaid', 'Fees paid', (m) => f2(m.feesPaid)],
  ['bestTrade', 'Best trade', (m) => f2(m.bestTrade)],
  ['worstTrade', 'Worst trade', (m) => f2(m.worstTrade)],
  ['buyHoldReturnPct', 'Buy & hold %', (m) => f2(m.buyHoldReturnPct)],
];

const WHY: Record<string, string> = {
  signal: 'opposite signal, filled at the next open',
  stop: 'stop touched: filled at min/max(open, stop) with slippage',
  target: 'target touched: filled at max/min(open, target), maker fee',
  end_of_data: 'still open at the end: closed at the last close',
};

export function MetricsGrid({ m }: { m: BacktestMetricsView }) {
  return (
    <dl className="bt-metrics" data-testid="bt-metrics">
      {METRIC_ROWS.map(([k, label, fmt]) => (
        <div key={k} data-metric={k}>
          <dt>{label}</dt>
          <dd>{fmt(m)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function BacktestResults({ run }: { run: BacktestRun }) {
  const m = run.metrics;
  if (!m) return <p className="muted">{run.status === 'failed' ? `Failed: ${run.error ?? ''}` : run.status === 'cancelled' ? 'Cancelled: no results.' : 'No results yet.'}</p>;
  return (
    <div className="bt-results" data-testid="bt-results">
      <MetricsGrid m={m} />
      {run.equity.length > 1 && <EquityChart equity={run.equity} />}
      {run.trades.length > 0 && <TradesChart run={run} />}
      <div className="bt-row">
        <table className="grid bt-monthly">
          <caption>Monthly returns</caption>
          <thead>
            <tr>
              <th>Month</th>
              <th>Return %</th>
              <th>Income</th>
            </tr>
          </thead>
          <tbody>
            {m.monthly.map((x) => (
              <tr key={x.month}>
                <td>{x.month}</td>
                <td className={x.returnPct >= 0 ? 'up' : 'down'}>{f2(x.returnPct)}</td>
                <td>{f2(x.income)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {m.goals && (
          <table className="grid bt-goals" data-testid="bt-goals">
            <caption>Goal evaluation</caption>
            <tbody>
              <tr>
                <td>Months reaching {f2(m.goals.monthlyReturnGoalPct)} %</td>
                <td>{f2(m.goals.monthsReachedGoalPct)} %</td>
              </tr>
              <tr>
                <td>Average monthly income</td>
                <td>{f2(m.goals.avgMonthlyIncome)}</td>
              </tr>
              <tr>
                <td>Months to {f2(m.goals.portfolioValueGoal)}</td>
                <td>{f2(m.goals.monthsToPortfolioGoal)}</td>
              </tr>
            </tbody>
          </table>
        )}
      </div>
      <table className="grid bt-trades" data-testid="bt-trades">
        <caption>
          Trades ({run.trades.length}){run.trades.length > 500 ? ' — first 500 shown' : ''}
        </caption>
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Side</th>
            <th>Entry</th>
            <th>Entry price</th>
            <th>Exit</th>
            <th>Exit price</th>
            <th>Amount</th>
            <th>Fees</th>
            <th>P&amp;L</th>
            <th>Exit reason</th>
          </tr>
        </thead>
        <tbody>
          {run.trades.slice(0, 500).map((t, i) => (
            <tr key={i} data-testid="bt-trade">
              <td>{t.symbol}</td>
              <td>{t.side}</td>
              <td>{fts(t.entryTs)}</td>
              <td>{fpx(t.entryPrice)}</td>
              <td>{fts(t.exitTs)}</td>
              <td>{fpx(t.exitPrice)}</td>
              <td>{t.amount.toPrecision(6)}</td>
              <td>{f2(t.fees)}</td>
              <td className={t.pnl >= 0 ? 'up' : 'down'}>{f2(t.pnl)}</td>
              <td title={WHY[t.exitReason]}>{t.exitReason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
