// Writes resources/icon.png (512px) and resources/tray.png (32px): a candlestick glyph on dark.
import fs from 'node:fs';
import zlib from 'node:zlib';

function png(size, draw) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = draw(x / size, y / size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const candles = [
  { x: 0.22, top: 0.3, bottom: 0.62, wickTop: 0.2, wickBottom: 0.72, up: false },
  { x: 0.5, top: 0.42, bottom: 0.78, wickTop: 0.34, wickBottom: 0.86, up: true },
  { x: 0.78, top: 0.18, bottom: 0.55, wickTop: 0.1, wickBottom: 0.64, up: true },
];
const draw = (u, v) => {
  const r = 0.18, inset = 0.04;
  const cx = Math.min(Math.max(u, inset + r), 1 - inset - r), cy = Math.min(Math.max(v, inset + r), 1 - inset - r);
  if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return [0, 0, 0, 0];
  for (const c of candles) {
    const body = Math.abs(u - c.x) < 0.08 && v > c.top && v < c.bottom;
    const wick = Math.abs(u - c.x) < 0.015 && v > c.wickTop && v < c.wickBottom;
    if (body || wick) return c.up ? [38, 166, 154, 255] : [239, 83, 80, 255];
  }
  return [21, 26, 33, 255];
};
fs.mkdirSync('resources', { recursive: true });
fs.writeFileSync('resources/icon.png', png(512, draw));
fs.writeFileSync('resources/tray.png', png(32, draw));
console.log('wrote resources/icon.png and resources/tray.png');
