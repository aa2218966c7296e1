/**
 * A burst of inbound signals: the events ready at the same moment share one drain (one
 * transaction, one savepoint each). Nothing is lost or doubled, a duplicate in the burst fails
 * only itself, and every step anyone heard of is in the database.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import type { IntakeEvent } from '../../engine/api';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { caller, engineOpts } from './rig';
import { Engine } from '../../engine/core/engine';

describe('intake burst', () => {
  it('publishes 40 signals posted at once, rejects the one duplicate in the burst, and every announced step is already stored', async ({ track }) => {
    const heard: IntakeEvent[] = [];
    const notStoredWhenHeard: Array<{ id: number; step: number }> = [];
    const dir = tempDir('sd-intake-burst-');
    let reader: Database.Database | null = null;
    track.defer(() => reader?.close()); // tracked first: closed after the engine has stopped
    const engine = track(
      new Engine(engineOpts(dir), (topic, payload) => {
        if (topic !== 'intake.event') return;
        const ev = payload as IntakeEvent;
        heard.push(ev);
        // The host hears of a step only once it is committed: a second connection sees committed rows only.
        reader ??= new Database(path.join(dir, 'signaldesk.db'), { readonly: true });
        const row = reader.prepare('SELECT timeline FROM intake_events WHERE id = ?').get(ev.id) as { timeline: string } | undefined;
        const stored = row ? (JSON.parse(row.timeline) as unknown[]).length : 0;
        if (stored < ev.timeline.length) notStoredWhenHeard.push({ id: ev.id, step: ev.timeline.length });
      }),
    );
    engine.start();
    const { call } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'Burst', maxPerDay: 1000, cooldownMinutes: 0, delivery: ['desktop'] });
    const base = Date.now();
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
    const bodies = Array.from({ length: 40 }, (_, i) => ({ symbol: symbols[i % 3], side: i % 2 ? 'buy' : 'sell', ts: base - i, idempotencyKey: `burst-${i}` }));
    // the same signal again under another key: the channel's (symbol, side, bar) is unique → DUPLICATE
    bodies.push({ ...bodies[7]!, idempotencyKey: 'burst-dup' });
    const ids = (await Promise.all(bodies.map((payload) => call('intake.submit', { source: src.id, payload })))).map((r) => r.eventId);
    await engine.intake.idle();
    const events = await Promise.all(ids.map((id) => call('intake.events.get', { id })));
    const statuses = events.map((e) => e.status);
    expect(statuses.filter((s) => s === 'published')).toHaveLength(40);
    expect(events.filter((e) => e.status === 'rejected').map((e) => [e.id, e.rejectCode])).toEqual([[ids[40], 'DUPLICATE']]);
    for (const e of events) expect(e.timeline.map((t) => t.status).slice(0, 4)).toEqual(['received', 'validated', 'enriched', 'evaluated']);
    const sigs = await call('signals.list', { channel: src.channelId, limit: 500 });
    expect(sigs).toHaveLength(40);
    expect(new Set(sigs.map((s) => s.id))).toEqual(new Set(events.filter((e) => e.status === 'published').map((e) => e.signalId)));
    // each published signal reached the desktop target once (its popup)
    const notes = await call('notifications.list', { limit: 500 });
    expect(notes.filter((n) => n.refType === 'signal')).toHaveLength(40);
    // every step heard was stored before it was heard, and every event was heard to its end
    expect(heard).toHaveLength(41 * 4); // validated, enriched, evaluated, published | rejected
    expect(notStoredWhenHeard).toEqual([]);
    for (const id of ids) expect(heard.filter((h) => h.id === id).map((h) => h.status).at(-1)).toBe(events.find((e) => e.id === id)!.status);
  });
});
