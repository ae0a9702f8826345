import './instrumentation';
import { bootstrapApp } from '@app/runtime';
import { WorkerModule } from './worker.module';

void bootstrapApp(WorkerModule.forRoot(), 3001);
