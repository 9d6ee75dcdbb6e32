/** The schedule subsystem's entry: what the rest of the service may use. See README.md. */
export { systemClock, type SchedulerClock, type TimerHandle } from './clock.js';
export { describeSchedule } from './describe-schedule.js';
export { execFileText, type ExecFileFn } from './exec-file.js';
export { createMeteredProbe, meteredFromNmcli } from './metered-probe.js';
export { latestRunAtOrBefore, nextRun, nextRuns } from './next-runs.js';
export { parseSchedule, resolveTimeZone, type ContinuousSchedule, type CronSchedule, type RateSchedule, type RateUnit, type Schedule } from './parse-schedule.js';
export { createPowerProbe, powerFromPmset, powerFromSupplies, readPowerSupplies, type PowerSupplyInfo } from './power-probe.js';
export {
  checkConditions,
  DEFAULT_RECHECK_MINUTES,
  planRun,
  systemConditionProbes,
  type ConditionProbes,
  type ConditionVerdict,
  type NetworkCost,
  type PowerSource,
  type RunConditions,
  type RunDecision,
} from './run-conditions.js';
export { Scheduler, type DueRun, type RuleScheduleState, type ScheduleRule, type SchedulerOptions, type SchedulerPersistence } from './scheduler.js';
export { DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES, stoppedPointStatus, windowState, type WindowedJob, type WindowVerdict } from './window-state.js';
