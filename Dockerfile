# Một Cửa Bot: a two-stage image. The first stage installs everything and builds dist/ (tsc);
# the second holds only production dependencies, dist/ and data/, and runs as the unprivileged
# `node` user with plain `node dist/main.js` as PID 1, so `docker stop` (SIGTERM) reaches the bot
# and its graceful shutdown (under 10 s). Build: docker build -t mot-cua-bot .   Run with Postgres: compose.yaml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    PGLITE_DATA_DIR=/data/pglite \
    UPLOADS_DIR=/data/uploads \
    HEALTH_PORT=3001 \
    ZALO_CREDENTIALS_PATH=/data/zalo-credentials.json
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY data ./data
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# The public /healthz (status and version); the details listen on 127.0.0.1:3001 inside the container only.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
