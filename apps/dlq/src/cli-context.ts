import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DlqTarget, Settings } from '@discord-backbone/dlq';

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

/** What every command is given by runCli. */
export interface CliContext {
  io: CliIo;
  /** The SQS client, made at first use (and destroyed when the command ends). */
  client: () => SQSClient;
  /** A logical queue name or a queue URL, located with its DLQ. */
  target: (queue: string) => Promise<DlqTarget>;
  /** Writes a line to standard output. */
  say: (line?: string) => void;
  /** Where calls go, for error messages: the endpoint's origin only (never credentials in a URL). */
  endpointLabel: string;
  /** The exit code once the command has run, short of an error (1) it throws. */
  exitWith: (code: number) => void;
}
