export { CampaignsApiModule } from './api/campaigns-api.module';
export { CampaignWorkerModule } from './worker/campaign-worker.module';
export { applicationCommands } from './api/commands';
export { CAMPAIGN_TEMPLATES, DEFAULT_TEMPLATE } from './campaign-templates';
export type { CampaignTemplate } from './campaign-templates';
