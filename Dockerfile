# The orchestrator's processes (worker, bridge, fleet, CLI) for docker-compose users; the local stack does not need it.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# `npm ci` refuses this lockfile (it records only linux builds of @swc/core); install honours its exact versions.
RUN npm install --no-audit --no-fund && npm cache clean --force
COPY . .
ENV NODE_ENV=production
CMD ["npm", "run", "worker"]
