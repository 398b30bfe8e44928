/** The delivery channels a deployment's configuration asks for. */
import type { Config } from '../../config.js';
import type { DeliveryChannels } from './channel.js';
import { mailboxDir } from '../../mailbox.js';
import { fileEmailChannel, smtpEmailChannel } from './email.js';
import { inAppChannel } from './in-app.js';
import { slackChannel } from './slack.js';
import { smsChannel, type SmsProvider } from './sms.js';
import { unconfiguredChannel } from './unconfigured.js';

export interface ChannelsFromConfigOptions {
  /** The server ships no SMS gateway; a deployment passes its own. */
  smsProvider?: SmsProvider;
}

/**
 * Every channel: in-app; email over `SMTP_URL`, or `.eml` files in the development mailbox (`<DATA_DIR>/mailbox`) without it;
 * Slack over `SLACK_WEBHOOK_URL` (unset: Slack rows fail saying so); SMS over the given provider.
 */
export function channelsFromConfig(
  config: Pick<Config, 'dataDir' | 'smtpUrl' | 'smtpFrom' | 'slackWebhookUrl'>,
  options: ChannelsFromConfigOptions = {},
): DeliveryChannels {
  return {
    in_app: inAppChannel(),
    email: config.smtpUrl
      ? smtpEmailChannel({ url: config.smtpUrl, from: config.smtpFrom })
      : fileEmailChannel({ dir: mailboxDir(config.dataDir), from: config.smtpFrom }),
    slack: config.slackWebhookUrl
      ? slackChannel({ webhookUrl: config.slackWebhookUrl })
      : unconfiguredChannel('Slack is not configured (set SLACK_WEBHOOK_URL)'),
    sms: smsChannel(options.smsProvider),
  };
}
