/** The market.series* commands, answered by the collector's series side. */
import type { Handlers } from '../../core/context';
import type { Collector } from '../collector';

export function seriesHandlers(c: Collector): Partial<Handlers> {
  return {
    'market.series': (i) => c.series.read(i),
    'market.series.list': ({ source }) => c.series.list(source),
    'market.series.costs': () => c.series.costs((id) => c.sources.get(id)?.kind ?? 'unknown'),
    'market.series.export': (i) => c.series.exportCsv(c.files(), i),
  };
}
