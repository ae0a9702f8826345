import type { Command } from 'commander';
import { OLDEST_SAMPLE, OperatorError, overview } from '@discord-backbone/dlq';
import type { CliContext } from '../cli-context';
import { duration, table } from '../output';

/** `list`: every queue of the system with its DLQ's depth and oldest failure. */
export function addListCommand(program: Command, cli: CliContext): void {
  program
    .command('list')
    .description(
      'every queue of the system with its DLQ: messages, in flight, oldest failure (read from the DLQ, nothing consumed)',
    )
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const rows = await overview(cli.client(), cli.io.env);
      const now = Date.now();
      if (options.json) {
        cli.say(
          JSON.stringify(
            rows.map((row) => ({
              ...row,
              dlq: row.dlq && { ...row.dlq, oldestFailure: row.dlq.oldestFailure?.toISOString() ?? null },
            })),
            null,
            2,
          ),
        );
        return;
      }
      const age = (row: (typeof rows)[number]) => {
        if (!row.dlq?.oldestFailure) return '-';
        const text = duration(now - row.dlq.oldestFailure.getTime());
        return row.dlq.complete ? text : `≥ ${text}`;
      };
      const read = rows.filter((row) => row.queue && row.dlq);
      if (read.length === 0 && rows.every((row) => !row.queueUrl)) {
        throw new OperatorError(
          `No queue of the system is configured here: set ${rows.map((row) => row.queueUrlSetting).join(', ')}`,
        );
      }
      if (read.length > 0) {
        cli.say(
          table([
            ['QUEUE', 'MESSAGES', 'IN FLIGHT', 'DLQ', 'DLQ IN FLIGHT', 'OLDEST FAILURE'],
            ...read.map((row) => [
              row.name,
              String(row.queue!.visible),
              String(row.queue!.inFlight),
              String(row.dlq!.visible),
              String(row.dlq!.inFlight),
              age(row),
            ]),
          ]),
        );
      }
      for (const row of rows.filter((r) => r.problem)) cli.say(`${row.name}: ${row.problem}`);
      const unset = rows.filter((row) => !row.queueUrl);
      if (unset.length > 0)
        cli.say(`Not configured here: ${unset.map((row) => `${row.name} (${row.queueUrlSetting})`).join(', ')}`);
      if (read.some((row) => !row.dlq!.complete)) {
        cli.say(
          `≥: the oldest of the first ${OLDEST_SAMPLE} messages read (a FIFO DLQ shows the head of each message group)`,
        );
      }
      if (rows.some((row) => row.problem)) cli.exitWith(1);
    });
}
