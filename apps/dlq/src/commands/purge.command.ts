import { createInterface } from 'node:readline/promises';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { depthOf, OperatorError } from '@discord-backbone/dlq';
import type { CliContext } from '../cli-context';
import { plural, printable } from '../output';

/** `purge`: every message of a DLQ deleted, after asking. */
export function addPurgeCommand(program: Command, cli: CliContext): void {
  program
    .command('purge')
    .description('delete every message of a DLQ (asks first)')
    .argument('<queue>')
    .option('--yes', 'do not ask')
    .action(async (queue: string, options: { yes?: boolean }) => {
      const located = await cli.target(queue);
      const { visible, inFlight } = await depthOf(cli.client(), located.dlqUrl);
      if (!options.yes) {
        if (!cli.io.stdin.isTTY)
          throw new OperatorError('purge asks for confirmation: run it on a terminal, or pass --yes');
        const prompt = createInterface({ input: cli.io.stdin, output: cli.io.stderr });
        const answer = await prompt.question(
          `Delete all ${plural(visible + inFlight, 'message')} in the DLQ of ${printable(located.name)} (${located.dlqUrl})? [y/N] `,
        );
        prompt.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          cli.say('Nothing deleted.');
          return;
        }
      }
      try {
        await cli.client().send(new PurgeQueueCommand({ QueueUrl: located.dlqUrl }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PurgeQueueInProgress')
          throw new OperatorError('SQS is still purging this DLQ (one purge a minute): try again in a minute');
        throw error;
      }
      cli.say(
        `Purged the DLQ of ${printable(located.name)}: ${plural(visible + inFlight, 'message')} deleted (SQS may take up to a minute to finish).`,
      );
    });
}
