import { GetQueueAttributesCommand, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { QUEUE_NAMES, QueueName, QueueSettingKey, queueSettingNames } from '@discord-backbone/contracts';
import { redriveTargetUrl } from '@discord-backbone/queue';
import { isMissingQueue, OperatorError } from './dlq.errors';

/** The environment the apps read (process.env or a copy). */
export type Settings = Record<string, string | undefined>;

/** A queue and its DLQ, located. */
export interface DlqTarget {
  /** The logical name (`prize-distribution`…), or the URL when the queue was given as one. */
  name: string;
  queueUrl: string;
  dlqUrl: string;
  fifo: boolean;
}

/** A queue of the system table with whatever the settings say about it. */
export interface ConfiguredQueue {
  name: QueueName;
  /** The setting its URL was read from (the scheme's name when unset). */
  queueUrlSetting: string;
  deadLetterQueueUrlSetting: string;
  queueUrl?: string;
  dlqUrl?: string;
}

/**
 * A URL setting read as the apps read it: under the scheme's name or an alias (the setting named
 * is the one given, else the scheme's); both given with different values is refused.
 */
function urlSetting(settings: Settings, queue: QueueName, key: QueueSettingKey): { setting: string; url?: string } {
  const names = queueSettingNames(queue, key);
  const given = names.filter((name) => settings[name]?.trim());
  if (new Set(given.map((name) => settings[name]!.trim())).size > 1) {
    throw new OperatorError(`${given.join(' and ')} are the same setting with different values: set ${names[0]} only`);
  }
  const setting = given[0] ?? names[0];
  const url = settings[setting]?.trim() || undefined;
  if (url !== undefined && !URL.canParse(url)) throw new OperatorError(`${setting} is not a URL`);
  return { setting, url };
}

/** Every queue of the system table with its configured URLs (unset ones included, so a list can say so). */
export function configuredQueues(settings: Settings): ConfiguredQueue[] {
  return QUEUE_NAMES.map((name) => {
    const queue = urlSetting(settings, name, 'queueUrl');
    const dlq = urlSetting(settings, name, 'deadLetterQueueUrl');
    return {
      name,
      queueUrlSetting: queue.setting,
      deadLetterQueueUrlSetting: dlq.setting,
      queueUrl: queue.url,
      dlqUrl: dlq.url,
    };
  });
}

/**
 * Locates a queue given by logical name (resolved from the apps' settings) or by URL, and its
 * DLQ: the explicit setting, else the queue's RedrivePolicy target.
 */
export async function resolveTarget(sqs: SQSClient, settings: Settings, queue: string): Promise<DlqTarget> {
  const known = configuredQueues(settings);
  if (!/^https?:\/\//.test(queue)) {
    const entry = known.find((k) => k.name === queue);
    if (!entry) {
      throw new OperatorError(
        `Unknown queue "${queue}": the system's queues are ${known.map((k) => k.name).join(', ')} (or give a queue URL)`,
      );
    }
    if (!entry.queueUrl) throw new OperatorError(`Queue ${queue} is not configured here: set ${entry.queueUrlSetting}`);
    return locate(sqs, entry.name, entry.queueUrl, entry.dlqUrl, entry.deadLetterQueueUrlSetting);
  }
  const entry = known.find((k) => k.queueUrl !== undefined && (k.queueUrl === queue || k.dlqUrl === queue));
  if (entry) return locate(sqs, entry.name, entry.queueUrl!, entry.dlqUrl, entry.deadLetterQueueUrlSetting);
  return locate(sqs, queue, queue);
}

/**
 * A queue and its DLQ, both checked to exist: `dlqUrl` when configured (`dlqSetting` names the
 * setting), else the queue's RedrivePolicy target.
 */
export async function locate(
  sqs: SQSClient,
  name: string,
  queueUrl: string,
  dlqUrl?: string,
  dlqSetting?: string,
): Promise<DlqTarget> {
  const { QueueArn: queueArn } = await queueAttributes(sqs, queueUrl, ['QueueArn']);
  const target =
    dlqUrl ??
    (await redriveTargetUrl(sqs, queueUrl).catch((error: unknown) => {
      throw isMissingQueue(error)
        ? new OperatorError(`The DLQ named by the RedrivePolicy of ${queueUrl} does not exist`)
        : error;
    }));
  if (!target) {
    throw new OperatorError(
      dlqSetting
        ? `Queue ${name} has no RedrivePolicy and ${dlqSetting} is not set: it has no DLQ`
        : `Queue ${queueUrl} has no RedrivePolicy, so it has no DLQ to work on (give the source queue, not the DLQ)`,
    );
  }
  const { QueueArn: targetArn } = await queueAttributes(sqs, target, ['QueueArn']);
  // A "DLQ" that is the queue itself: purge would delete live messages, redrive would loop them.
  if (target === queueUrl || (queueArn !== undefined && targetArn === queueArn)) {
    throw new OperatorError(
      dlqUrl && dlqSetting
        ? `${dlqSetting} names the queue ${name} itself (${queueUrl}): set it to the queue's DLQ`
        : `The DLQ of ${queueUrl} is the queue itself: refusing to work on it`,
    );
  }
  return { name, queueUrl, dlqUrl: target, fifo: queueUrl.endsWith('.fifo') };
}

/** GetQueueAttributes with "this queue does not exist" told by URL. */
export async function queueAttributes(
  sqs: SQSClient,
  queueUrl: string,
  names: QueueAttributeName[],
): Promise<Record<string, string>> {
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }),
    );
    return Attributes;
  } catch (error) {
    throw isMissingQueue(error) ? new OperatorError(`Queue ${queueUrl} does not exist`) : error;
  }
}

/** Messages waiting and in flight, from the queue's approximate counts. */
export async function depthOf(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const attributes = await queueAttributes(sqs, queueUrl, [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
  ]);
  return {
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
