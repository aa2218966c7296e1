/**
 * The relay's chat commands: /status /positions /orders /signals [n] /performance /pause
 * /resume /stop /start /help. Each answers from the contract's commands (the same ones the UI
 * calls); /stop and /start only offer a confirm button — the kill switch changes when it is
 * pressed (engine/delivery/telegram-relay.ts).
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import { isCommandName, type CommandName, type CommandResult, type ParsedInput } from '../api/contract';
import { px } from '../strategies/common';

export type Caller = <N extends CommandName>(name: N, input: ParsedInput<N>) => Promise<CommandResult<N>>;

export interface Reply {
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

export const HELP = [
  'Signaldesk relay commands:',
  '/status — kill switch, accounts with equity, drawdown stage, open positions',
  '/positions — open positions',
  '/orders — latest orders',
  '/signals [n] — the latest n signals (default 5)',
  '/performance — signal outcomes',
  '/pause, /resume — pause or resume signals',
  '/stop — engage the kill switch (asks to confirm)',
  '/start — release the kill switch (asks to confirm)',
  '/help — this list',
  'Signal messages carry Acknowledge / Execute / Snooze 15 min buttons.',
].join('\n');

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
const time = (ts: number): string => new Date(ts).toISOString().slice(0, 16).replace('T', ' ');

export const CONFIRM_STOP: InlineKeyboardMarkup = { inline_keyboard: [[{ text: 'Engage kill switch', callback_data: 'ks:on' }, { text: 'Cancel', callback_data: 'ks:cancel' }]] };
export const CONFIRM_START: InlineKeyboardMarkup = { inline_keyboard: [[{ text: 'Release kill switch', callback_data: 'ks:off' }, { text: 'Cancel', callback_data: 'ks:cancel' }]] };

/** Parses "/signals@MyBot 10" → { name: 'signals', args: ['10'] }. */
export function parseCommand(text: string): { name: string; args: string[] } | null {
  const m = /^\/([a-z_]+)(?:@\w+)?(?:\s+(.*))?$/i.exec(text.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').split(/\s+/).filter(Boolean) };
}

export async function answerCommand(name: string, args: string[], call: Caller): Promise<Reply> {
  switch (name) {
    case 'help':
      return { text: HELP };
    case 'status':
      return { text: await statusText(call) };
    case 'positions': {
      const ps = await call('positions.list', {});
      if (!ps.length) return { text: 'No open positions.' };
      return { text: ['Open positions:', ...ps.map((p) => `${p.symbol} ${p.qty} @ ${p.avgEntry} — unrealized ${p.unrealizedPnl}${p.stopLoss ? `, stop ${p.stopLoss}` : ''}${p.takeProfit ? `, target ${p.takeProfit}` : ''}`)].join('\n') };
    }
    case 'orders': {
      const os = await call('orders.list', { limit: 10 });
      if (!os.length) return { text: 'No orders yet.' };
      return { text: ['Latest orders:', ...os.map((o) => `#${o.id} ${o.side.toUpperCase()} ${o.amount} ${o.symbol} ${o.type}${o.price ? ` @ ${o.price}` : ''} — ${o.status}`)].join('\n') };
    }
    case 'signals': {
      const n = Math.min(20, Math.max(1, Number.parseInt(args[0] ?? '5', 10) || 5));
      const ss = await call('signals.list', { limit: n });
      if (!ss.length) return { text: 'No signals yet.' };
      return {
        text: [`Latest ${ss.length} signals:`, ...ss.map((s) => `#${s.id} ${s.side.toUpperCase()} ${s.symbol} ${px(s.entry)} — ${s.status}${s.rejectReason ? ` (${s.rejectReason})` : ''} · ${time(s.createdAt)}`)].join('\n'),
      };
    }
    case 'performance': {
      const p = await call('signals.performance', {});
      const t = p.total;
      const lines = [`Signals: ${t.count} finished, ${p.open} open. Win rate ${pct(t.winRate)}, average ${t.avgProfitPct.toFixed(2)} %, profit factor ${t.profitFactor === null ? '—' : t.profitFactor.toFixed(2)}.`];
      for (const c of p.byChannel.slice(0, 5)) lines.push(`${c.label}: ${c.count}, win rate ${pct(c.winRate)}, average ${c.avgProfitPct.toFixed(2)} %`);
      return { text: lines.join('\n') };
    }
    case 'pause':
      await call('signals.pause', { paused: true });
      return { text: 'Signals paused: every new signal is stored as rejected (PAUSED) until /resume.' };
    case 'resume':
      await call('signals.pause', { paused: false });
      return { text: 'Signals resumed.' };
    case 'stop': {
      const st = await call('orders.status', {});
      if (st.killSwitch.on) return { text: `The kill switch is already ON (${st.killSwitch.reason ?? 'no reason given'}).` };
      return { text: 'Engage the kill switch? Nothing new will be opened anywhere until it is released; stops and targets still run.', keyboard: CONFIRM_STOP };
    }
    case 'start': {
      const st = await call('orders.status', {});
      if (!st.killSwitch.on) return { text: `The kill switch is off.\n\n${HELP}` };
      return { text: `The kill switch is ON (${st.killSwitch.reason ?? 'no reason given'}). Release it?`, keyboard: CONFIRM_START };
    }
    default:
      return { text: `Unknown command /${name}.\n\n${HELP}` };
  }
}

async function statusText(call: Caller): Promise<string> {
  const [orders, positions, signals] = await Promise.all([call('orders.status', {}), call('positions.list', {}), call('signals.status', {})]);
  const lines = [
    `Kill switch: ${orders.killSwitch.on ? `ON (${orders.killSwitch.reason ?? 'no reason given'})` : 'off'}`,
    `Signals: ${signals.paused ? 'paused' : 'running'}, ${signals.enabledChannels} of ${signals.channels} channels enabled`,
    `Open positions: ${positions.length}`,
    ...orders.accounts.map((a) => `${a.name} (${a.kind}${a.kind === 'live' && !a.liveEnabled ? ', trading disabled' : ''}): equity ${a.equity}, drawdown stage ${a.stage}`),
  ];
  // Goals, once that capability is in the contract.
  if (isCommandName('goals.status')) {
    try {
      const g: unknown = await (call as (n: string, i: unknown) => Promise<unknown>)('goals.status', {});
      if (g && typeof g === 'object' && 'summary' in g) lines.push(`Goals: ${String((g as { summary: unknown }).summary)}`);
    } catch {
      // goals are optional in /status
    }
  }
  return lines.join('\n');
}
