/** Settings → Data: where the data directory is and how big the database is (system.info). */
import { useCallback, useEffect, useState } from 'react';
import type { InfoResult } from '../../../../engine/api';
import { api } from '../../api/client';
import { SettingsSection, type Report } from './SettingsSection';
import { fmtBytes } from '../health/format';

export function DataSection({ report }: { report: Report }) {
  const [info, setInfo] = useState<InfoResult | null>(null);
  const load = useCallback(async () => {
    try {
      setInfo(await api.call('system.info', {}));
    } catch (e) {
      report(`Reading the data directory failed: ${(e as Error).message}`);
    }
  }, [report]);
  useEffect(() => void load(), [load]);
  return (
    <SettingsSection id="data" title="Data">
      <div className="settings-card">
        <dl className="relay-status">
          <dt>Data directory</dt>
          <dd>
            <code data-testid="settings-datadir">{info?.dataDir ?? '…'}</code>
          </dd>
          <dt>Database</dt>
          <dd data-testid="settings-dbsize" data-bytes={info?.dbBytes}>
            {info ? `${fmtBytes(info.dbBytes)} (signaldesk.db with its write-ahead log)` : '…'}
          </dd>
        </dl>
        <div className="settings-actions">
          <button className="btn" onClick={() => void load()}>
            Measure again
          </button>
        </div>
      </div>
    </SettingsSection>
  );
}
