/** Account administration: the default paper account on first start, creating and updating accounts (keys sealed at rest). */
import { ApiError } from '../api/errors';
import { LIVE_CONFIRMATION, type Account, type ParsedInput } from '../api/contract';
import type { AccountPatch } from '../../db/repos/accounts';
import { D } from './decimal';
import { newPaperLimits } from './risk';
import type { OrdersModule } from './module';

/** The first start has one paper account of 10,000 USDT on the simulated market. */
export function seedDefaultAccount(m: OrdersModule): void {
  if (m.accounts.list().length > 0) return;
  m.accounts.insert(
    { name: 'Paper', kind: 'paper', exchange: null, source: 'sim', quoteCurrency: 'USDT', makerFeeBps: 8, takerFeeBps: 10, slippageBps: 5, startingBalance: '10000', keysEnc: null, urls: null, isDefault: true },
    m.now(),
    newPaperLimits('10000'),
  );
}

export function createAccount(m: OrdersModule, i: ParsedInput<'accounts.create'>): Account {
  if (i.kind === 'live' && (!i.apiKey || !i.secret)) throw new ApiError('BAD_INPUT', 'A live account needs apiKey and secret', { fields: ['apiKey', 'secret'] });
  const exchange = i.kind === 'live' ? (i.exchange ?? 'binance') : null;
  const startingBalance = D.of(i.startingBalance ?? (i.kind === 'paper' ? '10000' : '0'));
  const a = m.accounts.insert(
    {
      name: i.name,
      kind: i.kind,
      exchange,
      source: i.source ?? (i.kind === 'live' ? exchange! : 'sim'),
      quoteCurrency: i.quoteCurrency ?? 'USDT',
      makerFeeBps: i.makerFeeBps ?? (i.kind === 'paper' ? 8 : 10),
      takerFeeBps: i.takerFeeBps ?? 10,
      slippageBps: i.slippageBps ?? 5,
      startingBalance,
      keysEnc: i.apiKey && i.secret ? m.secrets().seal(JSON.stringify({ apiKey: i.apiKey, secret: i.secret })) : null,
      urls: i.urls ?? null,
      isDefault: false,
    },
    m.now(),
    i.kind === 'paper' ? newPaperLimits(startingBalance) : undefined,
  );
  m.publishStatus();
  return a;
}

export function updateAccount(m: OrdersModule, i: ParsedInput<'accounts.update'>): Account {
  const a = m.account(i.id);
  // A live default account becomes the autopilot account of every autopilot channel (docs/strategies.md).
  if (i.isDefault && a.kind === 'live' && m.accounts.defaultId() !== a.id) m.hooks.beforeLiveDefault?.(a, i.confirm);
  const patch: AccountPatch = {};
  if (i.name !== undefined) patch.name = i.name;
  if (i.makerFeeBps !== undefined) patch.makerFeeBps = i.makerFeeBps;
  if (i.takerFeeBps !== undefined) patch.takerFeeBps = i.takerFeeBps;
  if (i.slippageBps !== undefined) patch.slippageBps = i.slippageBps;
  if (i.urls !== undefined) patch.urls = i.urls;
  if (i.apiKey !== undefined || i.secret !== undefined) {
    if (!i.apiKey || !i.secret) throw new ApiError('BAD_INPUT', 'Give apiKey and secret together', { fields: ['apiKey', 'secret'] });
    patch.keysEnc = m.secrets().seal(JSON.stringify({ apiKey: i.apiKey, secret: i.secret }));
  }
  if (i.liveEnabled !== undefined) {
    if (a.kind !== 'live' && i.liveEnabled) throw new ApiError('UNPROCESSABLE', 'A paper account cannot be enabled for live trading');
    if (i.liveEnabled && i.confirm !== LIVE_CONFIRMATION) {
      throw new ApiError('UNPROCESSABLE', `Enabling live trading needs confirm: "${LIVE_CONFIRMATION}"`, { confirm: LIVE_CONFIRMATION });
    }
    if (i.liveEnabled && !a.hasKeys && patch.keysEnc === undefined) throw new ApiError('UNPROCESSABLE', 'Add API keys before enabling live trading');
    patch.liveEnabled = i.liveEnabled;
  }
  m.accounts.update(a.id, patch, m.now());
  if (i.isDefault) m.accounts.setDefault(a.id, m.now());
  m.dropBroker(a.id);
  m.publishStatus();
  return m.account(a.id);
}
