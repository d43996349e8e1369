# syntax=docker/dockerfile:1
# One image for the production worker, the status API and the migrate step (docker-compose.yml picks the
# command). Build: the full toolchain compiles dist/ and prebuilds the workflow bundle. Runtime: Node,
# production dependencies, dist/ and the SQL migrations, run as the unprivileged `node` user.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: Prisma's would download engines that nothing here uses (the client talks to
# Postgres through the pg driver adapter; migrations are applied by src/db/migrate.ts), and the native
# packages this build needs (Temporal core, esbuild, swc) ship their binaries as ordinary files.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
# setup.mjs generates the Prisma client offline; build.ts compiles dist/ and writes dist/workflow-bundle.js.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the app: the process can change none of its own code.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
USER node
# Temporal's core uses glibc (hence Debian slim, not Alpine). SIGTERM drains the worker; compose runs an
# init process (init: true) so signals reach node and exited children are reaped.
CMD ["node", "dist/worker-main.js"]
