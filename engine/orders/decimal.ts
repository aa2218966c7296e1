/**
 * Exact decimal arithmetic on strings (the idea of ccxt's Precise, on BigInt): balances, fills,
 * fees and P&L never go through binary floats. Values are plain decimal strings ("12.5", "-0.001").
 */
export type Dec = string;

interface Big {
  n: bigint;
  s: number; // scale: value = n / 10^s
}

const TEN = 10n;
const pow10 = (k: number): bigint => TEN ** BigInt(k);

function parse(v: Dec | number): Big {
  const str = typeof v === 'number' ? numToString(v) : v.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(str);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`Not a decimal: "${str}"`);
  const sign = m[1] === '-' ? -1n : 1n;
  const int = m[2] || '0';
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  let n = BigInt(int + frac) * sign;
  let s = frac.length - exp;
  if (s < 0) {
    n *= pow10(-s);
    s = 0;
  }
  return { n, s };
}

/** Shortest exact decimal for a JS number (no exponent). */
function numToString(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`Not a finite number: ${x}`);
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/\.?0+$/, '');
}

function align(a: Big, b: Big): [bigint, bigint, number] {
  if (a.s === b.s) return [a.n, b.n, a.s];
  if (a.s > b.s) return [a.n, b.n * pow10(a.s - b.s), a.s];
  return [a.n * pow10(b.s - a.s), b.n, b.s];
}

function format(b: Big): Dec {
  const neg = b.n < 0n;
  let digits = (neg ? -b.n : b.n).toString();
  if (b.s > 0) {
    digits = digits.padStart(b.s + 1, '0');
    let int = digits.slice(0, digits.length - b.s);
    let frac = digits.slice(digits.length - b.s).replace(/0+$/, '');
    if (int === '') int = '0';
    digits = frac ? `${int}.${frac}` : int;
    frac = '';
  }
  if (digits === '0') return '0';
  return neg ? `-${digits}` : digits;
}

export const D = {
  add(a: Dec, b: Dec): Dec {
    const [x, y, s] = align(parse(a), parse(b));
    return format({ n: x + y, s });
  },
  sub(a: Dec, b: Dec): Dec {
    const [x, y, s] = align(parse(a), parse(b));
    return format({ n: x - y, s });
  },
  mul(a: Dec, b: Dec): Dec {
    const x = parse(a);
    const y = parse(b);
    return format({ n: x.n * y.n, s: x.s + y.s });
  },
  /** a / b truncated toward zero at `scale` decimals (default 18). */
  div(a: Dec, b: Dec, scale = 18): Dec {
    const x = parse(a);
    const y = parse(b);
    if (y.n === 0n) throw new Error('Division by zero');
    // (x.n / 10^x.s) / (y.n / 10^y.s) = x.n * 10^(y.s + scale - x.s) / y.n / 10^scale
    const shift = y.s + scale - x.s;
    const num = shift >= 0 ? x.n * pow10(shift) : x.n / pow10(-shift);
    return format({ n: num / y.n, s: scale });
  },
  cmp(a: Dec, b: Dec): -1 | 0 | 1 {
    const [x, y] = align(parse(a), parse(b));
    return x < y ? -1 : x > y ? 1 : 0;
  },
  eq: (a: Dec, b: Dec): boolean => D.cmp(a, b) === 0,
  lt: (a: Dec, b: Dec): boolean => D.cmp(a, b) < 0,
  lte: (a: Dec, b: Dec): boolean => D.cmp(a, b) <= 0,
  gt: (a: Dec, b: Dec): boolean => D.cmp(a, b) > 0,
  gte: (a: Dec, b: Dec): boolean => D.cmp(a, b) >= 0,
  neg(a: Dec): Dec {
    const x = parse(a);
    return format({ n: -x.n, s: x.s });
  },
  abs(a: Dec): Dec {
    const x = parse(a);
    return format({ n: x.n < 0n ? -x.n : x.n, s: x.s });
  },
  sign(a: Dec): -1 | 0 | 1 {
    const x = parse(a);
    return x.n < 0n ? -1 : x.n > 0n ? 1 : 0;
  },
  isZero: (a: Dec): boolean => parse(a).n === 0n,
  min: (a: Dec, b: Dec): Dec => (D.lte(a, b) ? a : b),
  max: (a: Dec, b: Dec): Dec => (D.gte(a, b) ? a : b),
  /** Normalises any decimal string or number to the canonical form ("1.50" → "1.5"). */
  of(v: Dec | number): Dec {
    return format(parse(v));
  },
  /** Rounds down (toward zero) to a multiple of `step` ("0.001"). */
  floorTo(a: Dec, step: Dec): Dec {
    const x = parse(a);
    const st = parse(step);
    if (st.n <= 0n) return format(x);
    const [xn, sn, s] = align(x, st);
    return format({ n: (xn / sn) * sn, s });
  },
  /** Rounds to the nearest multiple of `step` (half away from zero). */
  roundTo(a: Dec, step: Dec): Dec {
    const x = parse(a);
    const st = parse(step);
    if (st.n <= 0n) return format(x);
    const [xn, sn, s] = align(x, st);
    const q = xn / sn;
    const r = xn - q * sn;
    const twice = (r < 0n ? -r : r) * 2n;
    const adj = twice >= sn ? (xn < 0n ? -1n : 1n) : 0n;
    return format({ n: (q + adj) * sn, s });
  },
  /** For display and float-tolerant comparisons only (charts, percentages). */
  toNumber: (a: Dec): number => Number(a),
};

/** Basis points as a decimal fraction: 5 → "0.0005". */
export const bps = (n: number): Dec => D.div(D.of(n), '10000', 12);
