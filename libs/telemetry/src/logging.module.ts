import { Module } from '@nestjs/common';
import { ConfigurableLoggingModule } from './logging.module-definition';

export type { LoggingOptions } from './logging.module-definition';

/** Structured JSON logs (pino) with the active trace and span id on every line, secrets redacted. `forRoot` / `forRootAsync`. */
@Module({})
export class LoggingModule extends ConfigurableLoggingModule {}
