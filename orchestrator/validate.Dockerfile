# The validation image: what the in-VNet validation job runs (docs/infrastructure/Validation.md,
# "The validation job"). Build from the repository root:
#   az acr build --registry <registry name> --image cf-validate:<tag> --file orchestrator/validate.Dockerfile .
# Node 24 runs the TypeScript sources directly (type stripping), like the orchestrator itself.
# The base is pinned to the exact Node release the project uses (package.json devDependency
# "node", .nvmrc); no digest is pinned here — pin one (node:24.21.0-slim@sha256:...) once it is
# taken from the registry you trust.
FROM node:24.21.0-slim

WORKDIR /app
ENV NODE_ENV=production

# Runtime dependencies only (the checks' clients: pg, ioredis, kafkajs, @azure/*).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# The orchestrator's sources and the registry it resolves the deployment from (names, profiles,
# catalogue, subnet plan); the local settings template for CF_VALIDATE_TARGET=local.
COPY orchestrator/src orchestrator/src
COPY deployments/*.yaml deployments/
COPY deployments/profiles deployments/profiles
COPY bicep/shared/subnet-plan.json bicep/shared/subnet-plan.json
COPY local/.env.example local/.env.example

USER node
CMD ["node", "orchestrator/src/validate/job-main.ts"]
