/**
 * Where the window opens: the size and place it had when last closed, if that still fits a
 * connected display, else a default size centred on the primary display. Saved state is read back
 * through a schema (a hand-edited or truncated file just means "no saved state"). Pure: displays
 * come in as work areas (the screen minus taskbars and menu bars).
 */
import { z } from 'zod';
import { MIN_WINDOW } from './window-options.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

/** x/y absent: let the OS centre the window. */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1120, height: 760 };
/** How much of the title bar must be on a display for the saved place to count as visible. */
const MIN_VISIBLE = 64;

export function parseWindowState(raw: unknown): WindowState | null {
  const r = WindowState.safeParse(raw);
  return r.success ? r.data : null;
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function fitSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.max(Math.min(MIN_WINDOW.width, area.width), Math.min(width, area.width)),
    height: Math.max(Math.min(MIN_WINDOW.height, area.height), Math.min(height, area.height)),
  };
}

/**
 * The bounds to open with. A saved window goes back to the display showing the largest part of its
 * title bar strip, shrunk to fit that display and moved fully onto it; with no such display (it was
 * on a monitor since unplugged) it opens centred on the primary display at its saved size, fitted.
 */
export function restoreBounds(saved: WindowState | null, workAreas: Rect[], primary: Rect): WindowBounds {
  const centred = (w: number, h: number): WindowBounds => {
    const size = fitSize(w, h, primary);
    return { x: Math.round(primary.x + (primary.width - size.width) / 2), y: Math.round(primary.y + (primary.height - size.height) / 2), ...size, maximized: saved?.maximized ?? false };
  };
  if (!saved) return centred(DEFAULT_SIZE.width, DEFAULT_SIZE.height);
  const titleBar: Rect = { x: saved.x, y: saved.y, width: saved.width, height: Math.min(saved.height, 40) };
  let best: { area: Rect; visible: number } | null = null;
  for (const area of workAreas) {
    const o = overlap(titleBar, area);
    if (o.width >= MIN_VISIBLE && o.height > 0 && (!best || o.width * o.height > best.visible)) best = { area, visible: o.width * o.height };
  }
  if (!best) return centred(saved.width, saved.height);
  const { area } = best;
  const size = fitSize(saved.width, saved.height, area);
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - size.width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - size.height);
  return { x, y, ...size, maximized: saved.maximized };
}
