import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { classFilter, classOf, depthOf, peekDeadLetters } from '@discord-backbone/dlq';
import { readDeadLetter } from '@discord-backbone/queue';
import type { CliContext } from '../cli-context';
import { deadLetterJson, plural, printable } from '../output';

/** `export`: a DLQ's messages to an NDJSON file, nothing consumed. */
export function addExportCommand(program: Command, cli: CliContext): void {
  program
    .command('export')
    .description(
      "write a DLQ's messages to a file, one JSON object a line (reason, attributes, body); nothing is consumed",
    )
    .argument('<queue>')
    .requiredOption('--out <file>', 'NDJSON file to write ("-" for standard output)')
    .option('--class <errorClass>', 'only this error class')
    .action(async (queue: string, options: { out: string; class?: string }) => {
      const located = await cli.target(queue);
      const wanted = classFilter(options.class);
      // `npm run` starts in the package's folder; a relative path means the caller's (npm's INIT_CWD).
      const file =
        options.out === '-' ? cli.io.stdout : createWriteStream(path.resolve(cli.io.env.INIT_CWD ?? '.', options.out));
      let written = 0;
      const { visible } = await depthOf(cli.client(), located.dlqUrl);
      const { seen, complete } = await peekDeadLetters(
        cli.client(),
        located.dlqUrl,
        { signal: cli.io.signal },
        async (message) => {
          const deadLetter = readDeadLetter(message);
          if (!wanted(classOf(deadLetter))) return;
          const line = {
            ...deadLetterJson(deadLetter),
            attributes: message.Attributes ?? {},
            messageAttributes: message.MessageAttributes ?? {},
          };
          if (!file.write(`${JSON.stringify(line)}\n`)) await once(file, 'drain');
          written += 1;
        },
      );
      if (file !== cli.io.stdout) {
        file.end();
        await once(file, 'finish');
      }
      const summary = `Exported ${plural(written, 'message')} of the ${printable(located.name)} DLQ to ${options.out} (read ${seen}${complete && seen >= visible ? '' : ` of ${visible}`}; nothing consumed)`;
      (options.out === '-' ? cli.io.stderr : cli.io.stdout).write(`${summary}\n`);
    });
}
