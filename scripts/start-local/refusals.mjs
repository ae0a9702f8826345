// What npm start refuses before it starts or writes anything: its local defaults anywhere but on
// this machine, and --fresh on a database that is not a local one.
import { databaseHost, isLocalDatabase, resetRefusal } from '../local-services.mjs';

const isLocalUrl = (value) => {
  const host = URL.canParse(value) ? new URL(value).hostname : '';
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
};

/**
 * The local defaults (the Discord stand-in with its own public key and base URL, a made-up bot
 * token, a new admin key, a local SQS endpoint) are for this machine: with NODE_ENV=production, a
 * queue that is not local or a database elsewhere, npm start refuses them and names the settings
 * that would have to be given instead. `sqsSettings`: the settings that locate a queue or the SQS
 * endpoint; `prizeQueueUrl`: the prize queue's URL settings; `prizeQueueGiven`: whether one is set.
 */
export function refuseLocalDefaultsOutsideThisMachine(env, { sqsSettings, prizeQueueUrl, prizeQueueGiven }) {
  const remote = sqsSettings.filter((name) => env[name] && !isLocalUrl(env[name]));
  const why = [
    env.NODE_ENV === 'production' ? 'NODE_ENV=production' : '',
    remote.length > 0 ? `${remote.join(', ')} not on a local SQS endpoint` : '',
    isLocalDatabase(env.DATABASE_URL) ? '' : `DATABASE_URL on ${databaseHost(env.DATABASE_URL)}, not on this machine`,
  ].filter(Boolean);
  if (why.length === 0) return;
  const missing = [];
  if (!process.env.DATABASE_URL)
    missing.push('DATABASE_URL (without it npm start creates and migrates a local database)');
  if (!env.DISCORD_BOT_TOKEN)
    missing.push(
      'DISCORD_BOT_TOKEN (without it the local Discord stand-in would play Discord, with its own public key and API base URL)',
    );
  if (!env.API_KEYS && !env.API_ADMIN_KEYS && env.API_AUTH !== 'disabled')
    missing.push('API_KEYS or API_ADMIN_KEYS (without them npm start makes a new local admin key)');
  if (!prizeQueueGiven) {
    missing.push(
      `${prizeQueueUrl[0]} (or ${prizeQueueUrl.slice(1).join(', ')}) and the other queue URLs (without them npm start runs a local SQS endpoint, fauxqs)`,
    );
  }
  if (missing.length === 0) return;
  console.error(
    `npm start refuses its local defaults with ${why.join(' and ')}. Missing:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
  );
  process.exit(1);
}

/** --fresh drops the database: as `npm run db:reset`, only one on this machine, never with NODE_ENV=production. */
export function refuseFreshElsewhere(env, fresh) {
  const refused = fresh ? resetRefusal(env.DATABASE_URL, env) : undefined;
  if (!refused) return;
  console.error(
    `npm start -- --fresh recreates a database on this machine only, never with NODE_ENV=production: ${refused}`,
  );
  process.exit(1);
}
