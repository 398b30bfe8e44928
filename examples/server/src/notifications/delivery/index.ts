/**
 * Notification delivery: the worker, the channels, and what a deployment implements itself (an
 * `SmsProvider`, or a whole `NotificationChannel`). Claiming and recording outcomes are internal:
 * only the worker may move a row's lease.
 */
export type { ChannelName, DeliveryChannels, DeliveryReceipt, NotificationChannel, OutgoingNotification, Recipient } from './channel.js';
export { notificationDelivery, type NotificationDeliveryOptions } from './delivery-worker.js';
export { fileEmailChannel, smtpEmailChannel, type FileEmailOptions, type SmtpEmailOptions } from './email.js';
export { DeliveryError, UndeliverableError } from './errors.js';
export { channelsFromConfig, type ChannelsFromConfigOptions } from './from-config.js';
export { inAppChannel } from './in-app.js';
export { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry.js';
export { slackChannel, type SlackChannelOptions } from './slack.js';
export { smsChannel, type SmsMessage, type SmsProvider } from './sms.js';
export { unconfiguredChannel } from './unconfigured.js';
