/**
 * Publishes events to an Amazon SNS topic per vault with the real @aws-sdk/client-sns.
 *
 * Configuration comes from the standard AWS chain: credentials (env, profile, SSO, role) and the
 * endpoint — the SDK itself honours AWS_ENDPOINT_URL_SNS (then AWS_ENDPOINT_URL, then the profile's
 * `endpoint_url`); checked in @smithy/core's getEndpointUrlConfig for the installed 3.1169.0 and by
 * test/integration/notify.test.ts, so this module reads no endpoint variable itself. The region is
 * the topic ARN's (a topic can only be published to in its own region) unless clientConfig sets one.
 * The SDK is loaded on first publish, so a CLI run that sends nothing does not pay for loading it.
 *
 * Message: the event as JSON (eventPayload), Subject: eventSubject, and message attributes
 * `event_type` and `vault` so subscriptions can filter. Standard topics only (a FIFO topic would
 * need a group and deduplication id). The SDK's own retries apply (throttling, 5xx).
 *
 * Errors, as DeskVaultErrors the Notifier reports (never thrown into a job):
 * ACCESS_DENIED naming `sns:Publish` (data.permission) when the policy refuses; ACCESS_DENIED for
 * rejected credentials; ACCESS_DENIED naming `kms:GenerateDataKey` for an encrypted topic whose key
 * the caller may not use; NOT_FOUND for a missing topic; USAGE for no credentials; IO otherwise.
 */
import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import { DeskVaultError } from '../../core/errors.js';
import { eventPayload, eventSubject, type ServiceEvent } from './events.js';
import type { NotificationSink } from './notifier.js';

export interface SnsSinkOptions {
  /** The topic ARN for a vault's events, or undefined when that vault has none (event skipped). */
  topicFor: ((vault: string) => string | undefined) | Readonly<Record<string, string>>;
  /** Extra client settings (a profile's credentials, maxAttempts, an explicit endpoint). */
  clientConfig?: SNSClientConfig;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;
type Sdk = typeof import('@aws-sdk/client-sns');

export class SnsSink implements NotificationSink {
  readonly name = 'sns';
  private sdk?: Promise<Sdk>;
  private readonly clients = new Map<string, SNSClient>();

  constructor(private readonly options: SnsSinkOptions) {}

  async send(event: ServiceEvent, signal?: AbortSignal): Promise<'sent' | 'skipped'> {
    const { topicFor } = this.options;
    const arn = typeof topicFor === 'function' ? topicFor(event.vault) : Object.hasOwn(topicFor, event.vault) ? topicFor[event.vault] : undefined;
    if (!arn) return 'skipped';
    const m = TOPIC_ARN.exec(arn);
    if (!m) throw new DeskVaultError('INVALID_INPUT', `${arn} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); a FIFO topic is not supported`, { topicArn: arn });
    const sdk = await (this.sdk ??= import('@aws-sdk/client-sns'));
    const client = this.client(sdk, this.options.clientConfig?.region ? 'configured' : m[1]);
    try {
      await client.send(
        new sdk.PublishCommand({
          TopicArn: arn,
          Subject: eventSubject(event),
          Message: JSON.stringify(eventPayload(event)),
          MessageAttributes: {
            event_type: { DataType: 'String', StringValue: event.type },
            vault: { DataType: 'String', StringValue: event.vault },
          },
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw mapSnsError(err, arn);
    }
    return 'sent';
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private client(sdk: Sdk, region: string): SNSClient {
    let c = this.clients.get(region);
    if (!c) {
      c = new sdk.SNSClient({ ...(region === 'configured' ? {} : { region }), ...this.options.clientConfig });
      this.clients.set(region, c);
    }
    return c;
  }
}

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const DENIED = new Set(['AuthorizationError', 'AuthorizationErrorException', 'AccessDenied', 'AccessDeniedException']);
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'IncompleteSignature']);

/** An SNS or network failure as one clear sentence (see the table in the module comment). */
export function mapSnsError(err: unknown, topicArn: string): DeskVaultError {
  if (err instanceof DeskVaultError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const data = { topicArn, awsError: name || null, status: status ?? null };
  const opts = { cause: err };
  if (name === 'AbortError') return new DeskVaultError('CANCELLED', `publishing to ${topicArn} was cancelled`, data, opts);
  if (BAD_CREDENTIALS.has(name)) {
    return new DeskVaultError('ACCESS_DENIED', `the AWS credentials were rejected by SNS (${name}); check the profile or environment that provides them`, data, opts);
  }
  if (name.startsWith('KMSAccessDenied')) {
    return new DeskVaultError('ACCESS_DENIED', `access denied: the AWS credentials in use lack kms:GenerateDataKey and kms:Decrypt on the KMS key that encrypts ${topicArn}`, { ...data, permission: 'kms:GenerateDataKey' }, opts);
  }
  if (DENIED.has(name) || status === 403) {
    return new DeskVaultError('ACCESS_DENIED', `access denied: the AWS credentials in use lack sns:Publish on ${topicArn}`, { ...data, permission: 'sns:Publish' }, opts);
  }
  if (name === 'NotFound' || name === 'NotFoundException') return new DeskVaultError('NOT_FOUND', `the SNS topic ${topicArn} does not exist (or is in another account or region)`, data, opts);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new DeskVaultError('USAGE', 'no AWS credentials found for SNS: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with a role', data, opts);
  }
  const net = e.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  const what = net ? `cannot reach SNS (${net})` : `SNS answered ${name || `HTTP ${status}`}: ${e.message ?? ''}`.trim();
  return new DeskVaultError('IO', `publishing to ${topicArn} failed: ${what}`, data, opts);
}
