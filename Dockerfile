# syntax=docker/dockerfile:1

# One image for both apps. The command picks which one runs:
#   node dist/apps/api/src/main.js      (default)
#   node dist/apps/worker/src/main.js
# The "build" stage still has the devDependencies, including the Prisma CLI.
# docker-compose's `migrate` service uses that stage (target: build) to run
# `npx prisma migrate deploy`.

FROM node:22-bookworm-slim AS base
# The slim image has no OpenSSL. Prisma's CLI uses it to detect the platform
# when it picks engine binaries. The schema uses the JS/WASM engine
# (engineType = "client"), but installing OpenSSL avoids platform-detection
# warnings and keeps a native engine working if the schema switches back.
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssl ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# ---------------------------------------------------------------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
# The Prisma client is generated into node_modules/.prisma (or generated/ if
# the schema sets that output). Create generated/ either way so the runtime
# COPY below always has a source.
RUN npx prisma generate \
  && npm run build \
  && mkdir -p generated

# ---------------------------------------------------------------------------
FROM build AS prod-deps
# Removes devDependencies. It keeps node_modules/.prisma, the generated client.
RUN npm prune --omit=dev

# ---------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json ./
# The apps and the libs they run on; not dist/tools (the Discord stand-in is a development tool).
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/generated ./generated
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./prisma.config.ts
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
