// CPU accounting from Linux /proc for the UI benchmark: how much CPU time the machine, and given
// process trees, used over a stretch of wall time. A frame's wall time on a shared machine includes
// waiting for a core; these numbers say who else had the cores meanwhile.
//
// /proc reports CPU time in ticks of USER_HZ, which is 100 on Linux (`getconf CLK_TCK`), so every
// figure here has 10 ms granularity. Off Linux (no /proc) every function returns null.
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10;

/** utime + stime and the parent of one process, or null when it is gone (or there is no /proc). */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** CPU time (ms) one process has used so far, or null. */
export function processCpuMs(pid) {
  const s = readStat(pid);
  return s ? s.ticks * TICK_MS : null;
}

/**
 * CPU time (ms) a process and all its descendants have used so far, leaving out the subtrees of
 * `exclude` (pids). Processes that exited meanwhile drop out of the sum, so take deltas over
 * stretches in which the tree does not change much.
 */
export function treeCpuMs(root, exclude = []) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return null;
  }
  const children = new Map();
  const ticks = new Map();
  for (const pid of pids) {
    const s = readStat(pid);
    if (!s) continue;
    ticks.set(pid, s.ticks);
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(pid);
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    if (exclude.includes(pid)) continue;
    sum += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum * TICK_MS;
}

/** The machine's CPU time so far (ms, summed over cores): busy, idle (with I/O wait) and stolen by the hypervisor. */
export function machineCpuMs() {
  let line;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return null;
  }
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) * TICK_MS, idle: (idle + iowait) * TICK_MS, steal: (steal ?? 0) * TICK_MS };
}

/**
 * A snapshot of the machine and of named process groups; `cpuBetween(a, b)` turns two into the CPU
 * each used in between and what the rest of the machine used (busy minus the groups).
 * `groups` maps a name to a function giving that group's CPU time so far (ms).
 */
export function cpuSnapshot(groups) {
  return { at: performance.now(), machine: machineCpuMs(), groups: Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, f()])) };
}

export function cpuBetween(a, b) {
  if (!a.machine || !b.machine) return null;
  const groups = Object.fromEntries(Object.keys(a.groups).map((k) => [k, (b.groups[k] ?? 0) - (a.groups[k] ?? 0)]));
  const busy = b.machine.busy - a.machine.busy;
  const ours = Object.values(groups).reduce((s, x) => s + x, 0);
  return { wallMs: b.at - a.at, busyMs: busy, idleMs: b.machine.idle - a.machine.idle, stealMs: b.machine.steal - a.machine.steal, groups, othersMs: Math.max(0, busy - ours) };
}

/**
 * A thread's scheduler statistics so far (/proc/PID/task/TID/schedstat): time on a CPU and time
 * spent runnable but waiting for one (the run queue), in ms; null when it is gone.
 */
export function threadSchedMs(pid, tid = pid) {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

/**
 * Processes under `root` (not itself) whose command line passes `test` (e.g. has Chromium's
 * `--type=renderer`). The command line is one string, arguments joined by spaces: Chromium rewrites
 * its own into one.
 */
export function descendants(root, test = () => true) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const parent = new Map(pids.map((p) => [p, readStat(p)?.ppid]));
  const under = (p) => {
    for (let q = parent.get(p); q; q = parent.get(q)) if (q === root) return true;
    return false;
  };
  return pids.filter((p) => {
    if (!under(p)) return false;
    try {
      return test(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      return false;
    }
  });
}
