import './instrumentation';
import { bootstrapApp } from '@discord-backbone/runtime';
import { WorkerModule } from './worker.module';

void bootstrapApp(WorkerModule.forRoot(), 3001);
