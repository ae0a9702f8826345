import { Presets, SingleBar } from 'cli-progress';
import { Option } from 'commander';
import type { Command } from 'commander';
import { DlqTarget, explainError, redrive, REDRIVE_VISIBILITY_SECONDS, RedriveResult } from '@discord-backbone/dlq';
import { positiveInt, rate } from '../cli-arguments';
import type { CliContext } from '../cli-context';
import { counts, plural, printable } from '../output';

/** `redrive`: DLQ messages back to their queue, all or one error class. */
export function addRedriveCommand(program: Command, cli: CliContext): void {
  program
    .command('redrive')
    .description(
      'move DLQ messages back to their queue (SQS move task for the whole DLQ where available, else message by message: sent first, deleted after)',
    )
    .argument('<queue>')
    .option(
      '--class <errorClass>',
      'only this error class (a trailing * matches a prefix; "none": moved by the redrive policy)',
    )
    .addOption(new Option('--rate <n/s>', 'at most n messages per second').argParser(rate))
    .option('--dry-run', 'read and count what would move; move nothing')
    .addOption(
      new Option(
        '--visibility-timeout <seconds>',
        'how long messages in hand stay hidden; after a crash they reappear in the DLQ after this',
      )
        .argParser(positiveInt('--visibility-timeout', 43200))
        .default(REDRIVE_VISIBILITY_SECONDS),
    )
    .action(
      async (
        queue: string,
        options: { class?: string; rate?: number; dryRun?: boolean; visibilityTimeout: number },
      ) => {
        const located = await cli.target(queue);
        const bar = cli.io.stderr.isTTY
          ? new SingleBar(
              {
                stream: cli.io.stderr,
                format: ' {bar} {value}/{total} read · {moved} moved · {duration_formatted}',
                hideCursor: true,
                clearOnComplete: true,
              },
              Presets.shades_classic,
            )
          : undefined;
        let started = false;
        const result = await redrive(cli.client(), located, {
          errorClass: options.class,
          rate: options.rate,
          dryRun: options.dryRun,
          visibilityTimeout: options.visibilityTimeout,
          signal: cli.io.signal,
          onProgress: ({ done, total, moved }) => {
            if (!bar) return;
            if (!started) bar.start(total, done, { moved });
            started = true;
            bar.setTotal(total);
            bar.update(done, { moved });
          },
        });
        bar?.stop();
        reportRedrive(result, located, cli.say);
        if (result.failure !== undefined) {
          cli.io.stderr.write(`error: ${explainError(result.failure, cli.endpointLabel)}\n`);
          cli.exitWith(1);
        } else if (result.interrupted) cli.exitWith(130);
      },
    );
}

function reportRedrive(result: RedriveResult, target: DlqTarget, say: (line?: string) => void): void {
  const how = result.method === 'move-task' ? "SQS's move task" : 'message by message';
  const verb = result.dryRun ? 'Would move' : 'Moved';
  say(
    `${result.dryRun ? 'Dry run: ' : ''}${printable(target.name)} DLQ → ${target.queueUrl}, ${how} (${result.methodReason})`,
  );
  const byClass = result.movedByClass.length > 0 ? `: ${counts(result.movedByClass)}` : '';
  say(`${verb} ${plural(result.moved, 'message')}${byClass}${result.dryRun ? '; nothing was moved' : ''}.`);
  if (result.left.length > 0) say(`Left in the DLQ: ${counts(result.left)}.`);
  if (result.returned > 0)
    say(
      `${plural(result.returned, 'message')} failed again and came back to the DLQ during the run; left there (is the cause fixed?).`,
    );
  if (result.behind > 0)
    say(
      `Left in the DLQ to keep their group's order: ${plural(result.behind, 'message')} behind an earlier message of another class.`,
    );
  if (
    result.method === 'message-by-message' &&
    result.examined < result.depth &&
    !result.interrupted &&
    result.failure === undefined
  ) {
    say(
      `Read ${result.examined} of ${result.depth}${target.fifo ? ' (a FIFO group is read past a message only once that message leaves)' : ''}.`,
    );
  }
  if (result.interrupted) say('Stopped early; the rest stay in the DLQ.');
  if (!result.dryRun) say(`The DLQ now holds ${plural(result.remaining, 'message')}.`);
  if (result.inFlight > 0) {
    say(
      `${result.inFlight} of them in flight, not read by this run (another reader has them, or a run stopped less than its visibility timeout ago): run again once they are back.`,
    );
  }
}
