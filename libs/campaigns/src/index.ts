export { CampaignsModule } from './campaigns.module';
export type { CampaignsOptions } from './campaigns.options';
export { applicationCommands } from './api/commands';
export { CAMPAIGN_TEMPLATES, DEFAULT_TEMPLATE } from './campaign-templates';
export type { CampaignTemplate } from './campaign-templates';
