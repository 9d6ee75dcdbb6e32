/**
 * Notifications over real protocols: SnsSink with the real @aws-sdk/client-sns against fauxqs (topic
 * created and an SQS queue subscribed with client-sns; the message read back with the SQS JSON
 * protocol over fetch, since @aws-sdk/client-sqs is not a dependency), found through the standard
 * chain's AWS_ENDPOINT_URL_SNS, both for the sink alone and for the whole service with a vault's
 * topic set through its API; an SNS AccessDenied from a small node:http peer that answers like
 * SNS, reported with `sns:Publish` named; and WebhookSink against a node:http receiver — retry
 * once on 5xx and network errors, not on timeouts or 4xx, never showing the URL's query string.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesktopSink, type DesktopNotification } from '../../main/service/notify/desktop-sink.js';
import { eventPayload, type ServiceEvent } from '../../main/service/notify/events.js';
import { Notifier } from '../../main/service/notify/notifier.js';
import { SnsSink } from '../../main/service/notify/sns-sink.js';
import { displayUrl, WebhookSink } from '../../main/service/notify/webhook-sink.js';
import { DeskVaultService } from '../../main/service/index.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const completed: ServiceEvent = {
  type: 'BACKUP_JOB_COMPLETED',
  state: 'COMPLETED',
  time: '2024-05-01T10:07:00.000Z',
  vault: 'home',
  plan: 'daily',
  jobId: 'job-42',
  pointId: 'pt-9',
  message: 'Backup of daily finished: 1,204 files, 3 new.',
};
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

let fauxqs: FauxqsServer;
let endpoint: string;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  endpoint = `http://127.0.0.1:${fauxqs.port}`;
});
afterAll(async () => {
  await fauxqs?.stop();
  removeTempDirs();
});

/** SQS ReceiveMessage in the AWS JSON 1.0 protocol (what client-sqs speaks), over fetch. */
async function receiveMessages(queueUrl: string): Promise<{ Body: string }[]> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
    body: JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { Messages?: { Body: string }[] }).Messages ?? [];
}

/** Sets environment variables for the duration of `fn`, then restores them. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('SnsSink against fauxqs', () => {
  it('publishes the event JSON with a short subject; the endpoint comes from AWS_ENDPOINT_URL_SNS', async () => {
    const admin = new SNSClient({ endpoint, region: 'us-east-1', credentials });
    const { TopicArn } = await admin.send(new CreateTopicCommand({ Name: 'deskvault-home' }));
    const queue = fauxqs.createQueue('home-events');
    await admin.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.queueArn }));
    admin.destroy();

    const shown: DesktopNotification[] = [];
    const sns = new SnsSink({ topicFor: { home: TopicArn! } });
    const notifier = new Notifier([new DesktopSink((n) => void shown.push(n)), sns]);
    // Nothing but the standard chain: no endpoint, region or credentials passed to the sink.
    const deliveries = await withEnv(
      { AWS_ENDPOINT_URL_SNS: endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' },
      async () => [...(await notifier.notify(completed)), ...(await notifier.notify({ ...completed, vault: 'laptop' }))],
    );
    await notifier.close();
    expect(deliveries.map((d) => [d.sink, d.vault, d.status])).toEqual([
      ['desktop', 'home', 'sent'],
      ['sns', 'home', 'sent'],
      ['desktop', 'laptop', 'sent'],
      ['sns', 'laptop', 'skipped'],
    ]);
    expect(shown.map((n) => n.title)).toEqual(['backup completed (home/daily)', 'backup completed (laptop/daily)']);

    const messages = await receiveMessages(queue.queueUrl);
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0].Body) as { Type: string; TopicArn: string; Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> };
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn, Subject: 'DeskVault: backup completed (home/daily)' });
    expect(JSON.parse(envelope.Message)).toEqual(eventPayload(completed));
    expect(JSON.parse(envelope.Message)).toMatchObject({ source: 'deskvault', type: 'BACKUP_JOB_COMPLETED', vault: 'home', jobId: 'job-42' });
    expect(envelope.MessageAttributes.event_type.Value).toBe('BACKUP_JOB_COMPLETED');
    expect(envelope.MessageAttributes.vault.Value).toBe('home');
  });

  it('a topic that does not exist is a reported NOT_FOUND, not an exception', async () => {
    const notifier = new Notifier([new SnsSink({ topicFor: () => 'arn:aws:sns:us-east-1:000000000000:nope', clientConfig: { endpoint, credentials, maxAttempts: 1 } })]);
    const [d] = await notifier.notify(completed);
    await notifier.close();
    expect(d.status).toBe('failed');
    expect(d).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND', data: { awsError: 'NotFoundException' } } });
  });

  it("the service publishes a vault's job events to the topic set through the API", async () => {
    const admin = new SNSClient({ endpoint, region: 'us-east-1', credentials });
    const { TopicArn } = await admin.send(new CreateTopicCommand({ Name: 'deskvault-local' }));
    const queue = fauxqs.createQueue('local-events');
    await admin.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.queueArn }));
    admin.destroy();
    const home = makeTempDir('dv-home-');
    const src = makeTempDir('dv-src-');
    writeFileSync(path.join(src, 'a.txt'), 'a');
    const env = { AWS_ENDPOINT_URL_SNS: endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
    const types = await withEnv(env, async () => {
      const svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home) });
      try {
        await svc.api['vaults.setNotifications']({ name: 'local', notifications: { snsTopicArn: TopicArn! } });
        await svc.api['plans.create']({ name: 'Daily', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
        await svc.api['backups.start']({ plan: 'Daily' });
        const got: string[] = [];
        const deadline = Date.now() + 60_000;
        while (!got.includes('BACKUP_JOB_COMPLETED')) {
          if (Date.now() > deadline) throw new Error(`no BACKUP_JOB_COMPLETED on the topic; got ${got.join(', ')}`);
          for (const m of await receiveMessages(queue.queueUrl)) got.push((JSON.parse((JSON.parse(m.Body) as { Message: string }).Message) as { type: string }).type);
          await new Promise((r) => setTimeout(r, 50));
        }
        return got;
      } finally {
        await svc.stop();
      }
    });
    expect(types).toEqual(['BACKUP_JOB_STARTED', 'BACKUP_JOB_COMPLETED']);
  });
});

/** An HTTP peer that answers every request like SNS refusing it (awsQuery XML error, HTTP 403). */
async function startDenyingSns(code: string): Promise<{ endpoint: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(403, { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' });
      res.end(
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code>` +
          '<Message>User: arn:aws:iam::111122223333:user/backup is not authorized to perform: SNS:Publish on resource: arn:aws:sns:eu-west-1:111122223333:deskvault</Message>' +
          '</Error><RequestId>req-1</RequestId></ErrorResponse>',
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

describe('SnsSink refused by IAM', () => {
  for (const code of ['AuthorizationError', 'AccessDenied']) {
    it(`${code} is reported as ACCESS_DENIED naming sns:Publish, and never thrown`, async () => {
      const peer = await startDenyingSns(code);
      const arn = 'arn:aws:sns:eu-west-1:111122223333:deskvault';
      const notifier = new Notifier([new SnsSink({ topicFor: { home: arn }, clientConfig: { endpoint: peer.endpoint, credentials, maxAttempts: 1 } })]);
      const [d] = await notifier.notify(completed);
      await notifier.close();
      await peer.close();
      expect(peer.bodies).toHaveLength(1);
      expect(new URLSearchParams(peer.bodies[0]).get('Action')).toBe('Publish');
      expect(new URLSearchParams(peer.bodies[0]).get('TopicArn')).toBe(arn);
      expect(d).toMatchObject({
        sink: 'sns',
        status: 'failed',
        error: { code: 'ACCESS_DENIED', message: `access denied: the AWS credentials in use lack sns:Publish on ${arn}`, data: { permission: 'sns:Publish', topicArn: arn, status: 403 } },
      });
    });
  }
});

interface Hook {
  url: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close: () => Promise<void>;
}

/** A webhook receiver; `answer(n)` gives the status of the n-th request (0-based), or 'hang'. */
async function startHook(answer: (n: number) => number | 'hang' = () => 204): Promise<Hook> {
  const requests: Hook['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const a = answer(requests.length);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (a === 'hang') return;
      res.writeHead(a, a >= 300 && a < 400 ? { location: 'http://example.invalid/' } : {});
      res.end(a >= 400 ? 'error for token s3cret' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/deskvault?token=s3cret`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function deliverTo(url: string, extra: { timeoutMs?: number } = {}): Promise<Awaited<ReturnType<Notifier['notify']>>[number]> {
  const notifier = new Notifier([new WebhookSink({ url, retryDelayMs: 0, ...extra })]);
  const [d] = await notifier.notify(completed);
  await notifier.close();
  // Whatever happened, nothing reported shows the secret in the query string.
  expect(JSON.stringify(d)).not.toMatch(/s3cret|token=/);
  return d;
}

describe('WebhookSink', () => {
  it('POSTs the event as JSON', async () => {
    const hook = await startHook();
    const d = await deliverTo(hook.url);
    await hook.close();
    expect(d).toEqual({ sink: `webhook ${new URL(hook.url).origin}/hooks/deskvault`, type: 'BACKUP_JOB_COMPLETED', vault: 'home', status: 'sent' });
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]).toMatchObject({ method: 'POST', url: '/hooks/deskvault?token=s3cret', headers: { 'content-type': 'application/json', 'user-agent': 'DeskVault' } });
    expect(JSON.parse(hook.requests[0].body)).toEqual(eventPayload(completed));
  });

  it('retries once after a 5xx, and succeeds', async () => {
    const hook = await startHook((n) => (n === 0 ? 503 : 200));
    expect((await deliverTo(hook.url)).status).toBe('sent');
    await hook.close();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1].body).toBe(hook.requests[0].body);
  });

  it('gives up after the one retry; the failure names the URL without its query string', async () => {
    const hook = await startHook(() => 500);
    const d = await deliverTo(hook.url);
    await hook.close();
    expect(hook.requests).toHaveLength(2);
    expect(d).toMatchObject({ status: 'failed', error: { code: 'IO', message: `the webhook ${new URL(hook.url).origin}/hooks/deskvault answered HTTP 500`, data: { status: 500 } } });
  });

  it('does not retry a 4xx; 401/403 are ACCESS_DENIED; a redirect is not followed', async () => {
    for (const [status, code] of [[404, 'IO'], [403, 'ACCESS_DENIED'], [302, 'IO']] as const) {
      const hook = await startHook(() => status);
      const d = await deliverTo(hook.url);
      await hook.close();
      expect(hook.requests).toHaveLength(1);
      expect(d).toMatchObject({ status: 'failed', error: { code, data: { status } } });
    }
  });

  it('a network error (connection refused) is reported as IO after its retry', async () => {
    const hook = await startHook();
    await hook.close(); // the port is now closed: connection refused
    const d = await deliverTo(hook.url);
    expect(d).toMatchObject({ status: 'failed', error: { code: 'IO', message: expect.stringMatching(/^cannot reach the webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/deskvault \(ECONNREFUSED\)$/) } });
  });

  it('a receiver that does not answer times out, without a retry', async () => {
    const hook = await startHook(() => 'hang');
    const d = await deliverTo(hook.url, { timeoutMs: 200 });
    await hook.close();
    expect(hook.requests).toHaveLength(1);
    expect(d).toMatchObject({ status: 'failed', error: { code: 'IO', message: expect.stringMatching(/did not answer within 0\.2 s$/) } });
  });

  it('masks token-like path segments when showing a URL', () => {
    expect(displayUrl('https://hooks.example.com/services/T0001/B0002/AbCdEfGhIjKlMnOpQrStUvWx?x=1#f')).toBe('https://hooks.example.com/services/T0001/B0002/***');
    expect(new WebhookSink({ url: 'https://u:pw@example.com/api/webhooks/123/abcdefghijklmnopqrstuvwxyz0123' }).name).toBe('webhook https://example.com/api/webhooks/123/***');
  });

  it('refuses a URL that is not http(s), without echoing it', () => {
    expect(() => new WebhookSink({ url: 'ftp://host/x?token=s3cret' })).toThrow(/^the webhook ftp:\/\/host\/x is not an http\(s\) URL$/);
  });
});
