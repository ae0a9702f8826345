import path from 'node:path';
// As in the backbone's repository: the migration engine runs as WebAssembly through a driver
// adapter, which works offline (only the 7.x adapter reads Postgres' `name` columns correctly).
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
