// Imported first by main.ts: OpenTelemetry must patch http/pg before they are loaded.
import { startTelemetry } from '@discord-backbone/telemetry';

startTelemetry({ serviceName: 'worker' });
