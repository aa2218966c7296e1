/** Reading values and times out of JSON answers: paths, [*] histories, times and numbers like the CSV reader's. */
import { describe, expect, it } from 'vitest';
import { extractPoints, checkPaths } from '../../engine/market/series/extract';
import { PathError, parsePath, readPath, toTime } from '../../engine/market/series/json-path';

describe('paths', () => {
  it('reads dotted paths with [n], .n and [*]', () => {
    const doc = { data: [{ v: 1 }, { v: 2 }], a: { b: { c: 7 } } };
    expect(readPath(doc, 'a.b.c')).toEqual([{ at: 'a.b.c', value: 7 }]);
    expect(readPath(doc, 'data[1].v')).toEqual([{ at: 'data[1].v', value: 2 }]);
    expect(readPath(doc, 'data.0.v')).toEqual([{ at: 'data[0].v', value: 1 }]);
    expect(readPath(doc, 'data[*].v').map((x) => x.at)).toEqual(['data[0].v', 'data[1].v']);
    expect(readPath([{ x: 3 }], '[*].x')).toEqual([{ at: '[0].x', value: 3 }]);
  });

  it('names the path where an answer stops matching', () => {
    expect(() => readPath({ data: [{ v: 1 }] }, 'data[0].value')).toThrow(/data\[0\]\.value is missing/);
    expect(() => readPath({ data: {} }, 'data[*].v')).toThrow(/data is not an array/);
    expect(() => parsePath('a..[')).toThrow(PathError);
  });

  it('reads times as seconds or ms since 1970 or ISO 8601, numbers or strings', () => {
    expect(toTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toTime('1700000000')).toBe(1_700_000_000_000);
    expect(toTime(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(toTime('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(toTime('2024-01-02T03:04:05')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(toTime('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(toTime('yesterday')).toBeNull();
    expect(toTime(-5)).toBeNull();
  });
});

describe('points from an answer', () => {
  it('one point per answer, stamped with timePath or the answer time; numbers may be strings', () => {
    expect(extractPoints({ data: [{ value: '42', timestamp: '1700000000' }] }, { valuePath: 'data[0].value', timePath: 'data[0].timestamp' }, 5)).toEqual([[1_700_000_000_000, 42]]);
    expect(extractPoints({ price: 3.5 }, { valuePath: 'price' }, 1_700_000_000_999)).toEqual([[1_700_000_000_999, 3.5]]);
  });

  it('a [*] history comes back ascending and de-duplicated by time (the last reading of a time wins)', () => {
    const doc = { rows: [
      { t: '2024-01-03T00:00:00Z', v: 3 },
      { t: 1704067200, v: '1' },
      { t: 1704153600000, v: 2 },
      { t: '2024-01-02T00:00:00Z', v: 2.5 },
    ] };
    expect(extractPoints(doc, { valuePath: 'rows[*].v', timePath: 'rows[*].t' }, 0)).toEqual([
      [Date.UTC(2024, 0, 1), 1],
      [Date.UTC(2024, 0, 2), 2.5],
      [Date.UTC(2024, 0, 3), 3],
    ]);
  });

  it('a non-numeric value or a bad time fails the whole answer, naming the element', () => {
    const doc = { rows: [{ t: 1, v: 1 }, { t: 2, v: 2 }, { t: 3, v: 'n/a' }] };
    expect(() => extractPoints(doc, { valuePath: 'rows[*].v', timePath: 'rows[*].t' }, 0)).toThrow(/rows\[2\]\.v is not a number/);
    const doc2 = { rows: [{ t: 'soon', v: 1 }] };
    expect(() => extractPoints(doc2, { valuePath: 'rows[*].v', timePath: 'rows[*].t' }, 0)).toThrow(/rows\[0\]\.t is not a time/);
  });

  it('a history must name its times, and both paths read [*] or neither', () => {
    expect(() => checkPaths({ valuePath: 'rows[*].v' })).toThrow(/give timePath/);
    expect(() => checkPaths({ valuePath: 'rows[*].v', timePath: 'time' })).toThrow(/both read \[\*\]/);
    expect(() => checkPaths({ valuePath: 'a[*].b[*].c', timePath: 'a[*].t' })).toThrow(/at most once/);
  });
});
