# The orchestrator's processes (worker, bridge, fleet, CLI) for docker-compose users; the local stack does not need it.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The npm workspaces' manifests, so that npm ci links them (their sources come with the rest below).
COPY common/contract/package.json common/contract/
COPY services/kit/package.json services/kit/
COPY services/fleet/package.json services/fleet/
COPY services/registry/package.json services/registry/
COPY client/sdk/package.json client/sdk/
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .
ENV NODE_ENV=production
CMD ["npm", "run", "worker"]
