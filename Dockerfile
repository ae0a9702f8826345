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
# npm workspaces: the libs' package.json files must be in place before the install links them.
COPY . .
RUN npm install --no-audit --no-fund
# `npm run build` builds the packages (libs/*/dist, the Prisma client inside
# libs/prisma) and then the apps. The runtime stage takes each package's
# package.json and dist only, and none of the Discord stand-in (a development tool).
RUN npm run build \
  && mkdir -p /packages \
  && for dir in libs/*; do \
       if [ "$(node -p "require('./$dir/package.json').name")" != "@discord-backbone/discord-standin" ]; then \
         mkdir -p "/packages/$dir" && cp -r "$dir/package.json" "$dir/dist" "/packages/$dir/"; \
       fi; \
     done \
  && rm -rf dist/apps/discord-standin

# ---------------------------------------------------------------------------
FROM build AS prod-deps
# Removes devDependencies; the workspace links (node_modules/@discord-backbone/*) stay.
RUN npm prune --omit=dev \
  && rm -f node_modules/@discord-backbone/discord-standin

# ---------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /packages/libs ./libs
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./prisma.config.ts
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
