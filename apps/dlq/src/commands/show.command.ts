import { Option } from 'commander';
import type { Command } from 'commander';
import { classFilter, classOf, countByClass, depthOf, peekDeadLetters } from '@discord-backbone/dlq';
import { DeadLetter, readDeadLetter } from '@discord-backbone/queue';
import { positiveInt } from '../cli-arguments';
import type { CliContext } from '../cli-context';
import { deadLetterJson, describeDeadLetter, plural, printable, table } from '../output';

/** `show` reads at least this many messages, so the counts by class cover more than the listing. */
const SHOW_SCAN = 1000;

/** `show`: a DLQ's messages with their reasons, and counts by error class. */
export function addShowCommand(program: Command, cli: CliContext): void {
  program
    .command('show')
    .description(
      "a DLQ's messages with their reason and a body preview, and counts by error class; nothing is consumed",
    )
    .argument('<queue>')
    .addOption(new Option('--limit <n>', 'messages to list').argParser(positiveInt('--limit', 10000)).default(20))
    .option(
      '--class <errorClass>',
      'only this error class (a trailing * matches a prefix: "RetriesExhausted:*"; "none": moved by the redrive policy)',
    )
    .option('--json', 'machine-readable output')
    .action(async (queue: string, options: { limit: number; class?: string; json?: boolean }) => {
      const located = await cli.target(queue);
      const { visible, inFlight } = await depthOf(cli.client(), located.dlqUrl);
      const wanted = classFilter(options.class);
      const listed: DeadLetter[] = [];
      const classes: string[] = [];
      const { seen, complete } = await peekDeadLetters(
        cli.client(),
        located.dlqUrl,
        { maxMessages: Math.max(options.limit, SHOW_SCAN), signal: cli.io.signal },
        (message) => {
          const deadLetter = readDeadLetter(message);
          classes.push(classOf(deadLetter));
          if (listed.length < options.limit && wanted(classOf(deadLetter))) listed.push(deadLetter);
        },
      );
      if (options.json) {
        cli.say(
          JSON.stringify(
            {
              queue: located.name,
              dlqUrl: located.dlqUrl,
              messages: visible,
              inFlight,
              read: seen,
              complete,
              byClass: Object.fromEntries(countByClass(classes)),
              listed: listed.map(deadLetterJson),
            },
            null,
            2,
          ),
        );
        return;
      }
      cli.say(`DLQ of ${printable(located.name)}: ${located.dlqUrl}`);
      if (seen === 0) {
        cli.say(
          inFlight > 0
            ? `Nothing to read: ${plural(inFlight, 'message')} in flight (another reader has them).`
            : 'Empty.',
        );
        return;
      }
      const partial =
        !complete || seen < visible
          ? ` (not all: ${located.fifo ? 'a FIFO DLQ gives out the head of each message group' : `stopped at ${seen}`})`
          : '';
      cli.say(`${plural(visible, 'message')}, ${inFlight} in flight; read ${seen}${partial}, all left in place`);
      cli.say();
      cli.say('By error class:');
      cli.say(table(countByClass(classes).map(([name, n]) => [`  ${printable(name)}`, String(n)])));
      const now = Date.now();
      for (const deadLetter of listed) {
        cli.say();
        cli.say(describeDeadLetter(deadLetter, now));
      }
      const matching = classes.filter(wanted).length;
      if (matching > listed.length) {
        cli.say();
        cli.say(
          `… and ${matching - listed.length} more${options.class ? ` of ${printable(options.class)}` : ''} (--limit ${options.limit})`,
        );
      }
    });
}
