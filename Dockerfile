# The orchestrator's processes (worker, bridge, fleet, CLI) for docker-compose users; the local stack does not need it.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .
ENV NODE_ENV=production
CMD ["npm", "run", "worker"]
