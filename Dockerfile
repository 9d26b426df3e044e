# syntax=docker/dockerfile:1
# The orchestrator's programs in one image, each started with plain `node dist/...` (docs/deployment.md):
#   node dist/workers/main.js --group <name>   the workers of one group (the default command)
#   node dist/client/bridge/main.js            the Kafka bridge
#   node dist/client/api/main.js               the deletion API
#   node dist/client/codec-server/main.js      the payload codec server
#   node dist/db/cli.js                        the migrations
#   node dist/scripts/keys/init.js             the keys' one-shot init
#   tdel                                       the operators' CLI
# Node 24 is the LTS line supported longest (until April 2028; 22 ends April 2027, 20 ended April 2026). The
# bundles target Node 20.11, the `engines` floor, so the same dist/ runs on every LTS from 20 on.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# What npm ci reads: the lockfile and every manifest, the npm workspaces' too, so that it links them.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY common/contract/package.json common/contract/
COPY services/kit/package.json services/kit/
COPY services/fleet/package.json services/fleet/
COPY services/registry/package.json services/registry/
COPY client/sdk/package.json client/sdk/

FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 (`docker run --init` cannot be asked for by an image): it forwards SIGTERM, so that the workers
# drain, and reaps zombies. Debian's package, pinned to bookworm's version.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini=0.19.0-1+b3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
  NODE_OPTIONS=--enable-source-maps
COPY --from=manifests /app ./
# Run-time packages only: the bundles inline the workspaces' sources and load third-party packages from here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The key directories (scripts/keys/key-volumes.ts), owned by the `node` user: an empty named volume mounted on one
# takes its owner and mode, so the init (running as `node`) can write the keys and no other user can read them.
RUN mkdir -p /keys/all /keys/service-token /keys/reader-token /keys/admin-token /keys/payload-codec \
    /keys/certificate /keys/public \
  && chown -R node:node /keys \
  && chmod 700 /keys/all /keys/service-token /keys/reader-token /keys/admin-token /keys/payload-codec /keys/certificate \
  && printf '#!/bin/sh\nexec node /app/dist/client/cli/main.js "$@"\n' > /usr/local/bin/tdel \
  && chmod 755 /usr/local/bin/tdel
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/workers/main.js"]
# The workers' readiness (every worker polling, Temporal answering). Other programs answer elsewhere: the bridge
# on 9466/readyz, the API on 8090/healthz, the codec server on 8081/healthz; docker-compose.yml overrides this per
# service and turns it off for the one-shot ones.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9467/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
