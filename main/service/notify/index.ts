/** Notifications' public surface (see README.md). */
export { DesktopSink, type DesktopNotification, type ShowDesktopNotification } from './desktop-sink.js';
export * from './events.js';
export { Notifier, type Delivery, type NotificationSink } from './notifier.js';
export { mapSnsError, SnsSink, type SnsSinkOptions } from './sns-sink.js';
export { DEFAULT_GRACE_MS, StaleProtectionTracker, type StaleProtectionTrackerOptions, type TrackedPlan } from './stale-protection-tracker.js';
export { displayUrl, WEBHOOK_TIMEOUT_MS, WebhookSink, type WebhookSinkOptions } from './webhook-sink.js';
