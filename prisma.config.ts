import path from 'node:path';
// The migration engine runs as WebAssembly through a driver adapter, so `prisma migrate deploy`
// needs no native engine download (this matters offline). Only the 7.x adapter reads Postgres'
// `name` catalog columns correctly, hence the aliased package; the app itself uses @prisma/adapter-pg.
import { PrismaPg } from 'pg-adapter-migrate';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL is not set');
    return new PrismaPg({ connectionString });
  },
});
