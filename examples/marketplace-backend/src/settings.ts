/** The marketplace's own settings (a real backend would validate them with its config module). */
export interface Settings {
  databaseUrl: string;
  awsRegion: string;
  sqsEndpoint?: string;
  discordQueueUrl: string;
  botOperationsQueueUrl: string;
  backendQueueUrl: string;
  campaignQueueUrl?: string;
  discordApiBaseUrl?: string;
  discordBotToken?: string;
  discordPublicKey?: string;
  relayConfig?: string;
  /** Keys of the marketplace's own services (Authorization: Bearer <key>), at least 32 characters each. */
  apiKeys: string[];
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    databaseUrl: required('DATABASE_URL'),
    awsRegion: env.AWS_REGION ?? 'us-east-1',
    sqsEndpoint: env.AWS_ENDPOINT_URL_SQS,
    discordQueueUrl: required('DISCORD_QUEUE_URL'),
    botOperationsQueueUrl: required('BOT_OPERATIONS_QUEUE_URL'),
    backendQueueUrl: required('BACKEND_QUEUE_URL'),
    campaignQueueUrl: env.CAMPAIGN_QUEUE_URL,
    discordApiBaseUrl: env.DISCORD_API_BASE_URL,
    discordBotToken: env.DISCORD_BOT_TOKEN,
    discordPublicKey: env.DISCORD_PUBLIC_KEY,
    relayConfig: env.RELAY_CONFIG,
    apiKeys: required('API_KEYS')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
  };
}
