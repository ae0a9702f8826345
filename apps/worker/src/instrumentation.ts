// Imported first by main.ts: OpenTelemetry must patch http/pg before they are loaded.
import { startTelemetry } from '@app/telemetry';

startTelemetry({ serviceName: 'worker' });
