/** Every strategy of the registry: its description, its params (default, range, meaning) and the channels using it. */
import type { StrategyOverview, StrategyParamInfo } from '../../../../engine/api';
import { paramsText } from './format';

const range = (p: StrategyParamInfo): string => {
  if (p.min === null && p.max === null) return '';
  return `${p.min ?? '−∞'}${p.minExclusive ? ' <' : ' ≤'} x ${p.maxExclusive ? '<' : '≤'} ${p.max ?? '∞'}`;
};

export function RegistryList({ overview }: { overview: StrategyOverview[] }) {
  return (
    <section className="strat-registry" data-testid="strategy-registry">
      <h3>Strategies in the registry</h3>
      <div className="strat-cards">
        {overview.map((s) => (
          <article key={s.id} className="strat-card" data-testid={`registry-${s.id}`}>
            <header>
              <b>{s.id}</b> <span className="muted">{s.summary}</span>
            </header>
            <table className="grid strat-param-table">
              <thead>
                <tr>
                  <th>Param</th><th>Default</th><th>Range</th><th>Meaning</th>
                </tr>
              </thead>
              <tbody>
                {s.params.map((p) => (
                  <tr key={p.name}>
                    <td>{p.name}</td>
                    <td>{p.default === null ? '—' : String(p.default)}</td>
                    <td className="muted">{range(p)}</td>
                    <td className="muted">{p.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="strat-used">
              {s.channels.length === 0 ? (
                <span className="muted">Not used by any channel.</span>
              ) : (
                s.channels.map((c) => (
                  <span key={`${c.channelId}:${c.index}`} className={`strat-chip${c.paused ? ' paused' : ''}`} title={paramsText(c.params, s.defaults)}>
                    {c.channelName}
                    {c.paused ? ' · paused' : ''}
                    {c.autopilot ? ' · autopilot' : ''}
                  </span>
                ))
              )}
            </div>
          </article>
        ))}
      </div>
    </section>
  );
}
