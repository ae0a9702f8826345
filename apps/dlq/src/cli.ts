import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  classFilter,
  classOf,
  countByClass,
  depthOf,
  DlqTarget,
  explainError,
  MAX_MOVE_TASK_RATE,
  OLDEST_SAMPLE,
  OperatorError,
  overview,
  peekDeadLetters,
  REDRIVE_VISIBILITY_SECONDS,
  redrive,
  RedriveResult,
  resolveTarget,
  Settings,
} from '@discord-backbone/dlq';
import { QUEUE_NAMES } from '@discord-backbone/contracts';
import { createSqsClient, DeadLetter, readDeadLetter } from '@discord-backbone/queue';
import { counts, deadLetterJson, describeDeadLetter, duration, plural, printable, table } from './output';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** Where the tool reads and writes: the process's streams and environment, or a test's. */
export interface CliIo {
  stdout: Out;
  stderr: Out;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Settings;
  /** Aborted on Ctrl-C: a command finishes the batch in hand, gives back what it holds and stops. */
  signal?: AbortSignal;
}

/** `show` reads at least this many messages, so the counts by class cover more than the listing. */
const SHOW_SCAN = 1000;

const positiveInt = (name: string, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
  return Number(value);
};
const rate = (value: string) => {
  const match = /^(\d+)(\/s)?$/.exec(value);
  const n = match ? Number(match[1]) : NaN;
  if (!(n >= 1 && n <= MAX_MOVE_TASK_RATE)) throw new InvalidArgumentError(`--rate must be messages per second from 1 to ${MAX_MOVE_TASK_RATE} (SQS's own cap), e.g. 50/s`);
  return n;
};

/**
 * `dqb-dlq <command>`: inspect, export, redrive and purge the DLQs of the system's queues.
 * Resolves with the exit code: 0 done, 1 failed (the reason on stderr, one line), 130 stopped by Ctrl-C.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const region = io.env.AWS_REGION || 'us-east-1';
  const endpoint = io.env.AWS_ENDPOINT_URL_SQS || io.env.AWS_ENDPOINT_URL;
  // Where calls go, for error messages: the endpoint's origin only (never credentials in a URL).
  const endpointLabel = endpoint && URL.canParse(endpoint) ? new URL(endpoint).origin : `of AWS in ${region}`;
  let sqs: SQSClient | undefined;
  const client = () => (sqs ??= createSqsClient({ region, endpoint }));
  const target = (queue: string) => resolveTarget(client(), io.env, queue);
  const say = (line = '') => io.stdout.write(`${line}\n`);
  let exitCode = 0;

  const program = new Command('dqb-dlq')
    .description(
      `Inspect, export, redrive and purge the dead-letter queues of the queue backbone.\n\n` +
        `<queue> is a logical name (${QUEUE_NAMES.join(', ')}), located with the apps' settings ` +
        `(<QUEUE>_QUEUE_URL and <QUEUE>_QUEUE_DLQ_URL or their older names, else the queue's RedrivePolicy), or a queue URL.\n` +
        `SQS is reached like the apps reach it: AWS_REGION, the AWS SDK's credential chain, AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(dqb-dlq --help for usage)');

  program
    .command('list')
    .description('every queue of the system with its DLQ: messages, in flight, oldest failure (read from the DLQ, nothing consumed)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const rows = await overview(client(), io.env);
      const now = Date.now();
      if (options.json) {
        say(JSON.stringify(rows.map((row) => ({ ...row, dlq: row.dlq && { ...row.dlq, oldestFailure: row.dlq.oldestFailure?.toISOString() ?? null } })), null, 2));
        return;
      }
      const age = (row: (typeof rows)[number]) => {
        if (!row.dlq?.oldestFailure) return '-';
        const text = duration(now - row.dlq.oldestFailure.getTime());
        return row.dlq.complete ? text : `≥ ${text}`;
      };
      const read = rows.filter((row) => row.queue && row.dlq);
      if (read.length === 0 && rows.every((row) => !row.queueUrl)) {
        throw new OperatorError(`No queue of the system is configured here: set ${rows.map((row) => row.queueUrlSetting).join(', ')}`);
      }
      if (read.length > 0) {
        say(
          table([
            ['QUEUE', 'MESSAGES', 'IN FLIGHT', 'DLQ', 'DLQ IN FLIGHT', 'OLDEST FAILURE'],
            ...read.map((row) => [row.name, String(row.queue!.visible), String(row.queue!.inFlight), String(row.dlq!.visible), String(row.dlq!.inFlight), age(row)]),
          ]),
        );
      }
      for (const row of rows.filter((r) => r.problem)) say(`${row.name}: ${row.problem}`);
      const unset = rows.filter((row) => !row.queueUrl);
      if (unset.length > 0) say(`Not configured here: ${unset.map((row) => `${row.name} (${row.queueUrlSetting})`).join(', ')}`);
      if (read.some((row) => !row.dlq!.complete)) {
        say(`≥: the oldest of the first ${OLDEST_SAMPLE} messages read (a FIFO DLQ shows the head of each message group)`);
      }
      if (rows.some((row) => row.problem)) exitCode = 1;
    });

  program
    .command('show')
    .description("a DLQ's messages with their reason and a body preview, and counts by error class; nothing is consumed")
    .argument('<queue>')
    .addOption(new Option('--limit <n>', 'messages to list').argParser(positiveInt('--limit', 10000)).default(20))
    .option('--class <errorClass>', 'only this error class (a trailing * matches a prefix: "RetriesExhausted:*"; "none": moved by the redrive policy)')
    .option('--json', 'machine-readable output')
    .action(async (queue: string, options: { limit: number; class?: string; json?: boolean }) => {
      const located = await target(queue);
      const { visible, inFlight } = await depthOf(client(), located.dlqUrl);
      const wanted = classFilter(options.class);
      const listed: DeadLetter[] = [];
      const classes: string[] = [];
      const { seen, complete } = await peekDeadLetters(client(), located.dlqUrl, { maxMessages: Math.max(options.limit, SHOW_SCAN), signal: io.signal }, (message) => {
        const deadLetter = readDeadLetter(message);
        classes.push(classOf(deadLetter));
        if (listed.length < options.limit && wanted(classOf(deadLetter))) listed.push(deadLetter);
      });
      if (options.json) {
        say(
          JSON.stringify(
            { queue: located.name, dlqUrl: located.dlqUrl, messages: visible, inFlight, read: seen, complete, byClass: Object.fromEntries(countByClass(classes)), listed: listed.map(deadLetterJson) },
            null,
            2,
          ),
        );
        return;
      }
      say(`DLQ of ${printable(located.name)}: ${located.dlqUrl}`);
      if (seen === 0) {
        say(inFlight > 0 ? `Nothing to read: ${plural(inFlight, 'message')} in flight (another reader has them).` : 'Empty.');
        return;
      }
      const partial = !complete || seen < visible ? ` (not all: ${located.fifo ? 'a FIFO DLQ gives out the head of each message group' : `stopped at ${seen}`})` : '';
      say(`${plural(visible, 'message')}, ${inFlight} in flight; read ${seen}${partial}, all left in place`);
      say();
      say('By error class:');
      say(table(countByClass(classes).map(([name, n]) => [`  ${printable(name)}`, String(n)])));
      const now = Date.now();
      for (const deadLetter of listed) {
        say();
        say(describeDeadLetter(deadLetter, now));
      }
      const matching = classes.filter(wanted).length;
      if (matching > listed.length) {
        say();
        say(`… and ${matching - listed.length} more${options.class ? ` of ${printable(options.class)}` : ''} (--limit ${options.limit})`);
      }
    });

  program
    .command('redrive')
    .description('move DLQ messages back to their queue (SQS move task for the whole DLQ where available, else message by message: sent first, deleted after)')
    .argument('<queue>')
    .option('--class <errorClass>', 'only this error class (a trailing * matches a prefix; "none": moved by the redrive policy)')
    .addOption(new Option('--rate <n/s>', 'at most n messages per second').argParser(rate))
    .option('--dry-run', 'read and count what would move; move nothing')
    .addOption(
      new Option('--visibility-timeout <seconds>', 'how long messages in hand stay hidden; after a crash they reappear in the DLQ after this')
        .argParser(positiveInt('--visibility-timeout', 43200))
        .default(REDRIVE_VISIBILITY_SECONDS),
    )
    .action(async (queue: string, options: { class?: string; rate?: number; dryRun?: boolean; visibilityTimeout: number }) => {
      const located = await target(queue);
      const bar = io.stderr.isTTY
        ? new SingleBar({ stream: io.stderr, format: ' {bar} {value}/{total} read · {moved} moved · {duration_formatted}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic)
        : undefined;
      let started = false;
      const result = await redrive(client(), located, {
        errorClass: options.class,
        rate: options.rate,
        dryRun: options.dryRun,
        visibilityTimeout: options.visibilityTimeout,
        signal: io.signal,
        onProgress: ({ done, total, moved }) => {
          if (!bar) return;
          if (!started) bar.start(total, done, { moved });
          started = true;
          bar.setTotal(total);
          bar.update(done, { moved });
        },
      });
      bar?.stop();
      reportRedrive(result, located, say);
      if (result.failure !== undefined) {
        io.stderr.write(`error: ${explainError(result.failure, endpointLabel)}\n`);
        exitCode = 1;
      } else if (result.interrupted) exitCode = 130;
    });

  program
    .command('export')
    .description("write a DLQ's messages to a file, one JSON object a line (reason, attributes, body); nothing is consumed")
    .argument('<queue>')
    .requiredOption('--out <file>', 'NDJSON file to write ("-" for standard output)')
    .option('--class <errorClass>', 'only this error class')
    .action(async (queue: string, options: { out: string; class?: string }) => {
      const located = await target(queue);
      const wanted = classFilter(options.class);
      // `npm run` starts in the package's folder; a relative path means the caller's (npm's INIT_CWD).
      const file = options.out === '-' ? io.stdout : createWriteStream(path.resolve(io.env.INIT_CWD ?? '.', options.out));
      let written = 0;
      const { visible } = await depthOf(client(), located.dlqUrl);
      const { seen, complete } = await peekDeadLetters(client(), located.dlqUrl, { signal: io.signal }, async (message) => {
        const deadLetter = readDeadLetter(message);
        if (!wanted(classOf(deadLetter))) return;
        const line = { ...deadLetterJson(deadLetter), attributes: message.Attributes ?? {}, messageAttributes: message.MessageAttributes ?? {} };
        if (!file.write(`${JSON.stringify(line)}\n`)) await once(file, 'drain');
        written += 1;
      });
      if (file !== io.stdout) {
        file.end();
        await once(file, 'finish');
      }
      const summary = `Exported ${plural(written, 'message')} of the ${printable(located.name)} DLQ to ${options.out} (read ${seen}${complete && seen >= visible ? '' : ` of ${visible}`}; nothing consumed)`;
      (options.out === '-' ? io.stderr : io.stdout).write(`${summary}\n`);
    });

  program
    .command('purge')
    .description('delete every message of a DLQ (asks first)')
    .argument('<queue>')
    .option('--yes', 'do not ask')
    .action(async (queue: string, options: { yes?: boolean }) => {
      const located = await target(queue);
      const { visible, inFlight } = await depthOf(client(), located.dlqUrl);
      if (!options.yes) {
        if (!io.stdin.isTTY) throw new OperatorError('purge asks for confirmation: run it on a terminal, or pass --yes');
        const prompt = createInterface({ input: io.stdin, output: io.stderr });
        const answer = await prompt.question(`Delete all ${plural(visible + inFlight, 'message')} in the DLQ of ${printable(located.name)} (${located.dlqUrl})? [y/N] `);
        prompt.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          say('Nothing deleted.');
          return;
        }
      }
      try {
        await client().send(new PurgeQueueCommand({ QueueUrl: located.dlqUrl }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PurgeQueueInProgress') throw new OperatorError('SQS is still purging this DLQ (one purge a minute): try again in a minute');
        throw error;
      }
      say(`Purged the DLQ of ${printable(located.name)}: ${plural(visible + inFlight, 'message')} deleted (SQS may take up to a minute to finish).`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander has printed it (or the help)
    io.stderr.write(`error: ${explainError(error, endpointLabel)}\n`);
    return 1;
  } finally {
    sqs?.destroy();
  }
}

function reportRedrive(result: RedriveResult, target: DlqTarget, say: (line?: string) => void): void {
  const how = result.method === 'move-task' ? "SQS's move task" : 'message by message';
  const verb = result.dryRun ? 'Would move' : 'Moved';
  say(`${result.dryRun ? 'Dry run: ' : ''}${printable(target.name)} DLQ → ${target.queueUrl}, ${how} (${result.methodReason})`);
  const byClass = result.movedByClass.length > 0 ? `: ${counts(result.movedByClass)}` : '';
  say(`${verb} ${plural(result.moved, 'message')}${byClass}${result.dryRun ? '; nothing was moved' : ''}.`);
  if (result.left.length > 0) say(`Left in the DLQ: ${counts(result.left)}.`);
  if (result.returned > 0) say(`${plural(result.returned, 'message')} failed again and came back to the DLQ during the run; left there (is the cause fixed?).`);
  if (result.behind > 0) say(`Left in the DLQ to keep their group's order: ${plural(result.behind, 'message')} behind an earlier message of another class.`);
  if (result.method === 'message-by-message' && result.examined < result.depth && !result.interrupted && result.failure === undefined) {
    say(`Read ${result.examined} of ${result.depth}${target.fifo ? ' (a FIFO group is read past a message only once that message leaves)' : ''}.`);
  }
  if (result.interrupted) say('Stopped early; the rest stay in the DLQ.');
  if (!result.dryRun) say(`The DLQ now holds ${plural(result.remaining, 'message')}.`);
  if (result.inFlight > 0) {
    say(`${result.inFlight} of them in flight, not read by this run (another reader has them, or a run stopped less than its visibility timeout ago): run again once they are back.`);
  }
}
