import './instrumentation';
import { bootstrapApp } from '@app/runtime';
import { ApiModule } from './api.module';

void bootstrapApp(ApiModule.forRoot(), 3000);
