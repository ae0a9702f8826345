import { SQSClient } from '@aws-sdk/client-sqs';
import { Command, CommanderError } from 'commander';
import { QUEUE_NAMES } from '@discord-backbone/contracts';
import { explainError, resolveTarget } from '@discord-backbone/dlq';
import { createSqsClient } from '@discord-backbone/queue';
import type { CliContext, CliIo } from './cli-context';
import { addExportCommand } from './commands/export.command';
import { addListCommand } from './commands/list.command';
import { addPurgeCommand } from './commands/purge.command';
import { addRedriveCommand } from './commands/redrive.command';
import { addShowCommand } from './commands/show.command';

export type { CliIo } from './cli-context';

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
  let exitCode = 0;
  const cli: CliContext = {
    io,
    client,
    target,
    say: (line = '') => io.stdout.write(`${line}\n`),
    endpointLabel,
    exitWith: (code) => {
      exitCode = code;
    },
  };

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

  for (const add of [addListCommand, addShowCommand, addRedriveCommand, addExportCommand, addPurgeCommand])
    add(program, cli);

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
