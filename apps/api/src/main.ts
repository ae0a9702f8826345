import './instrumentation';
import { discordHttpAnswer } from '@discord-backbone/discord';
import { bootstrapApp } from '@discord-backbone/runtime';
import { ApiModule } from './api.module';

void bootstrapApp(ApiModule.forRoot(), 3000, { errorAnswerers: [discordHttpAnswer] });
