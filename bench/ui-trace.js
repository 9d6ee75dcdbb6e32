// The UI benchmark's reading of a Chromium trace of a scroll (categories in TRACE_CATEGORIES):
// the CPU time (thread time) each thread of the page's renderer process used, and the main
// thread's split by kind of work — script, style, layout, paint, GC. Thread time is the page's own
// work; on a shared machine a frame's wall time also holds waiting for a core.

export const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'];

/** What a main-thread trace event's own time counts as. */
function kindOf(name) {
  if (/GC|Scavenge|MarkCompact|Sweep/i.test(name)) return 'gc';
  if (/^(FunctionCall|EvaluateScript|EventDispatch|TimerFire|FireAnimationFrame|RunMicrotasks|v8\.|V8\.)/.test(name)) return 'script';
  if (/UpdateLayoutTree|RecalculateStyles/.test(name)) return 'style';
  if (/^Layout$|UpdateLayout/.test(name)) return 'layout';
  if (/Paint|Layerize|Commit|UpdateLayer/.test(name)) return 'paint';
  return 'other';
}

/** Trace events of one thread, sorted by start (longest first) → thread time by kind, each event counting its own time without its children's. */
function cpuByKind(events) {
  const kinds = { script: 0, style: 0, layout: 0, paint: 0, gc: 0, other: 0 };
  const stack = [];
  const nodes = [];
  for (const e of events) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) stack.at(-1).self -= e.tdur / 1000;
    const node = { ts: e.ts, dur: e.dur, self: e.tdur / 1000, name: e.name };
    stack.push(node);
    nodes.push(node);
  }
  for (const n of nodes) kinds[kindOf(n.name)] += Math.max(0, n.self);
  return kinds;
}

/**
 * `trace`: Chromium's trace JSON. `window`: the stretch to read, in the page's performance.now()
 * milliseconds, with `markName`/`markAt` — a performance.mark() made in the page, whose trace
 * event aligns the two clocks. Returns the renderer's threads (CPU time in all, longest task by
 * CPU and by wall time) and the main thread's CPU by kind, or null if the page's thread or the
 * mark is not in the trace.
 */
export function readScrollTrace(trace, { markName, markAt, from, to }) {
  const events = trace.traceEvents ?? trace;
  const mark = events.find((e) => e.name === markName);
  const main = mark && events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === mark.pid);
  if (!main) return null;
  const toTrace = (pageMs) => mark.ts + (pageMs - markAt) * 1000;
  const [start, end] = [toTrace(from), toTrace(to)];
  const names = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === main.pid).map((e) => [e.tid, e.args.name]));
  const inProcess = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.ts >= start && e.ts <= end).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Per thread, its top-level events: a task, and what runs inside it nests within it.
  const byThread = new Map();
  const reachedTo = new Map();
  for (const e of inProcess) {
    if (e.ts < (reachedTo.get(e.tid) ?? -Infinity)) continue;
    reachedTo.set(e.tid, e.ts + e.dur);
    const name = (names.get(e.tid) ?? String(e.tid)).replace(/\d+$/, '');
    const t = byThread.get(name) ?? { name, cpuMs: 0, maxCpuMs: 0, maxWallMs: 0 };
    const cpu = (e.tdur ?? e.dur) / 1000;
    t.cpuMs += cpu;
    t.maxCpuMs = Math.max(t.maxCpuMs, cpu);
    t.maxWallMs = Math.max(t.maxWallMs, e.dur / 1000);
    byThread.set(name, t);
  }
  const threads = [...byThread.values()].sort((a, b) => b.cpuMs - a.cpuMs);
  return {
    main: threads.find((t) => t.name === 'CrRendererMain') ?? { name: 'CrRendererMain', cpuMs: 0, maxCpuMs: 0, maxWallMs: 0 },
    others: threads.filter((t) => t.name !== 'CrRendererMain'),
    mainByKind: cpuByKind(inProcess.filter((e) => e.tid === main.tid && e.tdur !== undefined)),
  };
}
