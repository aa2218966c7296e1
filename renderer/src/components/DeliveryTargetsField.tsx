/**
 * The channel editor's delivery targets: the desktop popup, the Telegram relay, and each
 * webhook (`webhook:<id>`), as checkboxes. Targets that cannot take deliveries now say why.
 */
import { useEffect, useState } from 'react';
import type { DeliveryTarget, TelegramSettings, Webhook } from '../../../engine/api';
import { api } from '../api/client';

interface Props {
  value: DeliveryTarget[];
  onChange(v: DeliveryTarget[]): void;
}

export function DeliveryTargetsField({ value, onChange }: Props) {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [tg, setTg] = useState<TelegramSettings | null>(null);
  useEffect(() => {
    void api.call('delivery.webhooks.list', {}).then(setHooks, () => setHooks([]));
    void api.call('delivery.telegram.get', {}).then(setTg, () => setTg(null));
  }, []);
  const toggle = (t: DeliveryTarget, on: boolean) => onChange(on ? [...value.filter((x) => x !== t), t] : value.filter((x) => x !== t));
  const tgNote = !tg ? '' : !tg.enabled ? ' (relay off — set it up in Settings)' : !tg.hasToken || !tg.chatIds.length ? ' (no token or chat yet)' : '';
  const options: Array<{ target: DeliveryTarget; label: string }> = [
    { target: 'desktop', label: 'Desktop popup' },
    { target: 'telegram', label: `Telegram${tgNote}` },
    ...hooks.map((h) => ({ target: `webhook:${h.id}` as DeliveryTarget, label: `Webhook #${h.id} ${h.url}${h.enabled ? '' : ' (disabled)'}` })),
  ];
  // A target the channel names that no longer exists stays visible so it can be removed.
  for (const t of value) if (!options.some((o) => o.target === t)) options.push({ target: t, label: `${t} (no longer exists)` });
  return (
    <fieldset className="delivery-targets" data-testid="ch-delivery">
      <legend>Deliver to</legend>
      {options.map((o) => (
        <label key={o.target} className="inline">
          <input type="checkbox" checked={value.includes(o.target)} onChange={(e) => toggle(o.target, e.target.checked)} data-testid={`ch-delivery-${o.target.replace(':', '-')}`} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}
