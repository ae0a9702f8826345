import './instrumentation';
import { bootstrapApp } from '@discord-backbone/runtime';
import { ApiModule } from './api.module';

void bootstrapApp(ApiModule.forRoot(), 3000);
