#!/usr/bin/env node
// The DLQ tool (`npm run dlq -- <command>`, or `dqb-dlq` once linked): see cli.ts, docs/dlq-tool.md and docs/operating.md ("Operating the DLQ").
import { runCli } from './cli';

const controller = new AbortController();
process.once('SIGINT', () => {
  // First Ctrl-C: finish the batch in hand and give back what is held; a second one stops at once.
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
