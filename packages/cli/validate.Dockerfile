# The validation image: what the in-VNet validation job runs (docs/infrastructure/Validation.md,
# "The validation job"). Build from the repository root:
#   az acr build --registry <registry name> --image cf-validate:<tag> --file packages/cli/validate.Dockerfile .
# Node 24 runs the TypeScript sources directly (type stripping), like the orchestrator itself.
# The base is pinned to the exact Node release the project uses (package.json devDependency
# "node", .nvmrc); no digest is pinned here — pin one (node:24.21.0-slim@sha256:...) once it is
# taken from the registry you trust.
FROM node:24.21.0-slim

WORKDIR /app
ENV NODE_ENV=production

# The database step (CF_JOB_TASK=databases) runs sql/service.sql with psql (15+ for \getenv) over
# TLS verify-full against the system's CA bundle (/etc/ssl/certs/ca-certificates.crt).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only (the checks' clients: pg, ioredis, kafkajs, @azure/*).
# The workspaces' manifests first, so this layer is rebuilt only when dependencies change.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/cli/package.json packages/cli/
RUN npm ci --omit=dev --ignore-scripts --workspace @complianceflow/cli --include-workspace-root && npm cache clean --force

# The CLI's and the shared core's sources and the registry it resolves the deployment from (names, profiles,
# catalogue, subnet plan); the local settings template for CF_VALIDATE_TARGET=local.
COPY packages/core/src packages/core/src
COPY packages/cli/src packages/cli/src
COPY deployments/*.yaml deployments/
COPY deployments/profiles deployments/profiles
COPY bicep/shared/subnet-plan.json bicep/shared/subnet-plan.json
COPY local/.env.example local/.env.example
# The database SQL the database step runs (sql/service.sql and the files it includes).
COPY sql/service.sql sql/10-role-and-database.sql sql/20-schema-and-extensions.sql sql/30-tenant-rls-example.sql sql/

USER node
CMD ["node", "packages/cli/src/validate/job-main.ts"]
