#!/usr/bin/env node
// Draws DeskVault's icons into assets/ — deterministic (same bytes every run; node:zlib only), so
// the PNGs are committed and this script is their source. `npm run make-icons` rewrites them.
//
//   assets/tray/tray-<state>-<light|dark>.png      16 px, and @2x (32 px) next to it
//     states: protected, backing-up, attention, error, paused — each a distinct shape AND colour
//     (never colour alone): check in a green disc, arrow in a blue disc, "!" in an amber triangle,
//     "×" in a red disc, bars in a grey disc. "light" is for a light menu bar (dark rim), "dark" for
//     a dark one (light rim, lighter grey for paused).
//   assets/icon.png                                1024 px app icon (electron-builder derives .icns/.ico)
//   assets/icons/<n>x<n>.png                       16…512 px, the Linux icon set
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');

// ---- PNG ----------------------------------------------------------------------------------------

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// ---- shapes: inside-tests in unit coordinates (0..1), supersampled ------------------------------

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r0, r1) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d >= r0 * r0 && d <= r1 * r1;
};
function segDist(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
/** A stroked polyline with round joins and caps. */
const stroke = (points, w) => (x, y) => {
  for (let i = 0; i + 1 < points.length; i++) if (segDist(x, y, ...points[i], ...points[i + 1]) <= w / 2) return true;
  return false;
};
const polygon = (pts) => (x, y) => {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
/** Grows a shape by `d` (approximate: samples a small disc around the point). */
const grow = (shape, d) => {
  const offsets = [[0, 0]];
  for (let k = 0; k < 12; k++) offsets.push([d * Math.cos((k * Math.PI) / 6), d * Math.sin((k * Math.PI) / 6)]);
  return (x, y) => offsets.some(([ox, oy]) => shape(x + ox, y + oy));
};
const roundedSquare = (m, r) => (x, y) => {
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

const hex = (h, a = 255) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

/** Renders layers [shape, colour | (x,y)=>colour] back to front with `ss`×`ss` supersampling. */
function render(size, layers, ss) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const [shape, colour] of layers) {
            if (!shape(x, y)) continue;
            const [lr, lg, lb, la] = typeof colour === 'function' ? colour(x, y) : colour;
            const al = la / 255;
            // "over", premultiplied
            cr = lr * al + cr * (1 - al);
            cg = lg * al + cg * (1 - al);
            cb = lb * al + cb * (1 - al);
            ca = al + ca * (1 - al);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = ss * ss;
      const alpha = a / n;
      const i = (py * size + px) * 4;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

// ---- tray icons ---------------------------------------------------------------------------------

const WHITE = hex('#ffffff');
const disc = circle(0.5, 0.5, 0.40);
const triangle = polygon([
  [0.5, 0.07],
  [0.95, 0.88],
  [0.05, 0.88],
]);

function trayLayers(state, darkBar) {
  const rim = darkBar ? hex('#ffffff', 200) : hex('#1b1f24', 150);
  switch (state) {
    case 'protected':
      return [
        [grow(disc, 0.06), rim],
        [disc, hex('#23944a')],
        [stroke([[0.31, 0.52], [0.45, 0.65], [0.70, 0.37]], 0.12), WHITE],
      ];
    case 'backing-up':
      return [
        [grow(disc, 0.06), rim],
        [disc, hex('#2c6cd6')],
        [stroke([[0.5, 0.72], [0.5, 0.30]], 0.12), WHITE],
        [stroke([[0.33, 0.46], [0.5, 0.29], [0.67, 0.46]], 0.12), WHITE],
      ];
    case 'attention':
      return [
        [grow(triangle, 0.06), rim],
        [triangle, hex('#e6a100')],
        [stroke([[0.5, 0.36], [0.5, 0.60]], 0.12), hex('#1b1f24')],
        [circle(0.5, 0.75, 0.065), hex('#1b1f24')],
      ];
    case 'error':
      return [
        [grow(disc, 0.06), rim],
        [disc, hex('#d2372b')],
        [stroke([[0.35, 0.35], [0.65, 0.65]], 0.12), WHITE],
        [stroke([[0.65, 0.35], [0.35, 0.65]], 0.12), WHITE],
      ];
    case 'paused':
      return [
        [grow(disc, 0.06), rim],
        [disc, darkBar ? hex('#aab0b8') : hex('#6b717a')],
        [stroke([[0.41, 0.34], [0.41, 0.66]], 0.11), WHITE],
        [stroke([[0.59, 0.34], [0.59, 0.66]], 0.11), WHITE],
      ];
    default:
      throw new Error(`unknown state ${state}`);
  }
}

// ---- app icon: a blue vault door ----------------------------------------------------------------

function appLayers() {
  const bg = roundedSquare(0.06, 0.2);
  const gradient = (x, y) => {
    const t = Math.min(1, Math.max(0, (x + y) / 2));
    return [Math.round(0x3b + (0x1c - 0x3b) * t), Math.round(0x82 + (0x4a - 0x82) * t), Math.round(0xf0 + (0xa8 - 0xf0) * t), 255];
  };
  const spokes = [0, 1, 2, 3].map((k) => {
    const a = (k * Math.PI) / 2 + Math.PI / 4;
    return [stroke([[0.5 + 0.07 * Math.cos(a), 0.5 + 0.07 * Math.sin(a)], [0.5 + 0.19 * Math.cos(a), 0.5 + 0.19 * Math.sin(a)]], 0.05), WHITE];
  });
  return [
    [bg, gradient],
    [ring(0.5, 0.5, 0.27, 0.33), WHITE],
    [circle(0.5, 0.5, 0.075), WHITE],
    ...spokes,
    // hinges
    [stroke([[0.17, 0.36], [0.17, 0.40]], 0.05), WHITE],
    [stroke([[0.17, 0.60], [0.17, 0.64]], 0.05), WHITE],
  ];
}

// ---- write --------------------------------------------------------------------------------------

const STATES = ['protected', 'backing-up', 'attention', 'error', 'paused'];
mkdirSync(path.join(assets, 'tray'), { recursive: true });
mkdirSync(path.join(assets, 'icons'), { recursive: true });
let written = 0;
const write = (rel, size, layers, ss) => {
  writeFileSync(path.join(assets, rel), png(size, render(size, layers, ss)));
  written++;
};
for (const state of STATES) {
  for (const theme of ['light', 'dark']) {
    write(`tray/tray-${state}-${theme}.png`, 16, trayLayers(state, theme === 'dark'), 8);
    write(`tray/tray-${state}-${theme}@2x.png`, 32, trayLayers(state, theme === 'dark'), 8);
  }
}
write('icon.png', 1024, appLayers(), 2);
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, size, appLayers(), size <= 64 ? 8 : 4);
process.stdout.write(`make-icons: ${written} PNGs in assets/\n`);
