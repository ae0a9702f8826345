import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { QueueName, validationProblems } from '@discord-backbone/contracts';
import { Environment } from './environment';
import { readQueueSettings } from './queue-settings';
import { isWorkerQueue } from './worker-consumers';

/**
 * Why a queue's URL is required: its own worker consumer runs, or something this process runs
 * sends to it (the discord consumer answers on the backend queue; DISCORD_PUBLIC_KEY turns on
 * the API's campaign commands, which queue campaign tasks).
 */
function queueRequirement(env: Environment) {
  return (queue: QueueName): string | undefined => {
    const reasons = [
      isWorkerQueue(queue) && env.consumes(queue) ? `required while the ${queue} consumer runs` : '',
      queue === QueueName.BACKEND && env.consumes('discord')
        ? 'required while the discord consumer runs: it answers there'
        : '',
      queue === QueueName.CAMPAIGN && env.DISCORD_PUBLIC_KEY !== undefined
        ? 'required while DISCORD_PUBLIC_KEY is set'
        : '',
    ].filter(Boolean);
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  };
}

/** ConfigModule `validate` hook: one error listing every bad or missing setting by name. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const lines = validationProblems(errors).map(({ path, messages }) => {
    const given = raw[path] === undefined ? 'missing' : 'invalid';
    return `  - ${path} (${given}): ${messages.join('; ')}`;
  });
  const queues = readQueueSettings(raw, queueRequirement(env));
  env.queues = queues.queues;
  lines.push(...queues.problems);
  if (env.NODE_ENV === 'production' && env.API_AUTH === 'disabled') {
    lines.push(
      '  - API_AUTH (invalid): API_AUTH=disabled is refused with NODE_ENV=production: configure API_KEYS or API_ADMIN_KEYS',
    );
  }
  if (lines.length > 0) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return env;
}
