/** The `track` fixture of the shared rig: what a test tracks is stopped after it, newest first, each awaited. */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { rigTest, stopOnce } from './rig';

const log: string[] = [];

describe('rigTest track', () => {
  rigTest('tracks rigs (stop), resources (close) and plain clean-ups; nothing runs during the test', async ({ track }) => {
    const rig = { stop: () => void log.push('rig') };
    expect(track(rig)).toBe(rig);
    track({
      close: async () => {
        await delay(30);
        log.push('closed');
      },
    });
    track.defer(async () => {
      await delay(10);
      log.push('deferred');
    });
    track(stopOnce(() => log.push('once')));
    expect(log).toEqual([]);
  });

  it('ran them after that test, newest first, each awaited before the next', () => {
    expect(log.splice(0)).toEqual(['once', 'deferred', 'closed', 'rig']);
  });

  rigTest.fails('a clean-up that throws fails the test', ({ track }) => {
    track({ stop: () => void log.push('first') });
    track.defer(() => {
      throw new Error('clean-up failed');
    });
    track({
      stop: async () => {
        log.push('last');
      },
    });
  });

  it('and the clean-ups before and after it still ran', () => {
    expect(log.splice(0)).toEqual(['last', 'first']);
  });
});
