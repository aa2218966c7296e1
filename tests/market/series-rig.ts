/** The collector in-process on a real SQLite file for the series tests (http_json and ccxt series sources). */
import path from 'node:path';
import { openDatabase, type Database } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import { Collector, type CollectorOptions } from '../../engine/market/collector';
import { parseInput } from '../../engine/api';
import { tempDir } from '../helpers/serve';

export interface SeriesRig {
  db: Database;
  collector: Collector;
  dataDir: string;
  add(input: Record<string, unknown>): ReturnType<Collector['add']>;
  close(): void;
}

export function seriesRig(opts: Partial<CollectorOptions> = {}, dataDir = tempDir('sd-series-')): SeriesRig {
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const collector = new Collector(db, new CandlesRepo(db), dataDir, () => undefined, {
    timeoutMs: 1000,
    retries: 0,
    retryBaseMs: 20,
    backoffBaseMs: 100,
    healthEvalMs: 50,
    ...opts,
  });
  collector.start();
  return {
    db,
    collector,
    dataDir,
    add: (input) => collector.add(parseInput('market.sources.add', input) as Parameters<Collector['add']>[0], (id) => id === 'sim'),
    close() {
      collector.stop();
      db.close();
    },
  };
}
