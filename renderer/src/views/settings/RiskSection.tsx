/**
 * Settings → Risk limits and goal sizing, per account: an account picker over the Orders view's
 * risk form and the Goals view's sizing panel (the same components).
 */
import { useEffect, useState } from 'react';
import { useOrders } from '../../stores/orders';
import { useGoals } from '../../stores/goals';
import { RiskForm } from '../../components/AccountsPanel';
import { GoalSizingPanel } from '../goals/GoalSizingPanel';
import { SettingsSection, type Report } from './SettingsSection';
import '../goals.css';

export function RiskSection({ report }: { report: Report }) {
  const accounts = useOrders((s) => s.accounts);
  const { sizing, adjustments, sized, refresh } = useGoals();
  const [id, setId] = useState<number | null>(null);
  const account = accounts.find((a) => a.id === id) ?? accounts.find((a) => a.isDefault) ?? accounts[0];
  useEffect(() => {
    if (account) void refresh(account.id);
  }, [account?.id]);
  return (
    <SettingsSection id="risk" title="Risk limits and goal sizing" intro="Per account: the limits every order passes through, and how goals size signal orders.">
      <div className="settings-card">
        <label className="settings-inline-label">
          Account{' '}
          <select value={account?.id ?? ''} onChange={(e) => setId(Number(e.target.value))} data-testid="settings-risk-account">
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.kind === 'live' ? 'LIVE' : 'PAPER'})
              </option>
            ))}
          </select>
        </label>
        {account ? (
          <>
            <RiskForm key={account.id} account={account} onDone={report} />
            {sizing?.accountId === account.id && <GoalSizingPanel sizing={sizing} adjustments={adjustments} sized={sized} account={account} report={report} refresh={() => void refresh(account.id)} />}
          </>
        ) : (
          <p className="muted">No account yet.</p>
        )}
      </div>
    </SettingsSection>
  );
}
