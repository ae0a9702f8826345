// What npm start keeps in .local/ (git-ignored, readable by this user only): its keys, the same
// at every start, and the relay's configuration for the Discord stand-in.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_DIR } from '../local-services.mjs';

/** The relay's configuration for the stand-in: its bot (the apps' token) relays DMs and #general to one demo backend bot. */
export function localRelayConfig(generalChannelId) {
  const file = path.join(LOCAL_DIR, 'relay.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    file,
    `# Written by npm start for the local Discord stand-in; secrets come from the environment.
discord_bots:
  - id: standin
    name: Local Discord stand-in bot
    token_env: DISCORD_BOT_TOKEN
    channel_allowlist: ["${generalChannelId}"]
backend_bots:
  - id: demo-backend
    api_key_env: RELAY_DEMO_BACKEND_KEY
routing:
  mode: first_match
  defaults:
    standin: demo-backend
routes:
  - { discord_bot_id: standin, scope_type: channel, scope_id: "${generalChannelId}", backend_bot_id: demo-backend }
`,
    { mode: 0o600 },
  );
  return file;
}

/**
 * The API refuses to start without a key. Locally, one admin key is made on first start and kept
 * in .local/api-key (git-ignored, readable by this user only), so the README's examples can read it.
 */
export function localApiKey(apiPort) {
  const key = localSecret('api-key');
  // Printed once, here, for the person at the terminal; the apps never log keys.
  console.log(
    `\nNo API_KEYS configured: local admin API key (also in .local/api-key):\n  ${key}\nUse it as: curl -H "authorization: Bearer $(cat .local/api-key)" http://127.0.0.1:${apiPort}/…\n`,
  );
  return key;
}

/** A random key kept in .local/<name> (git-ignored, readable by this user only): the same at every start. */
export function localSecret(name) {
  const file = path.join(LOCAL_DIR, name);
  let key = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (key.length < 32) {
    key = randomBytes(32).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  return key;
}
