# syntax=docker/dockerfile:1

# One image for both apps. The command picks which one runs:
#   node dist/apps/api/src/main.js      (default)
#   node dist/apps/worker/src/main.js
# The "build" stage still has the devDependencies, including the Prisma CLI.
# docker-compose's `migrate` service uses that stage (target: build) to run
# `npm run db:migrate` (prisma migrate deploy, then the backbone schema's CLI).

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
# libs/prisma) and then the apps. The runtime stage takes each lib's
# package.json and dist only; the Discord stand-in (tools/, a development tool)
# is not a lib and its output (tools/discord-standin/dist, dist/tools) is left here.
RUN npm run build \
  && mkdir -p /packages \
  && for dir in libs/*; do \
       mkdir -p "/packages/$dir" && cp -r "$dir/package.json" "$dir/dist" "/packages/$dir/"; \
     done

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
# The apps' output only: not dist/tools (the Discord stand-in is a development tool).
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /packages/libs ./libs
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./prisma.config.ts
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
