# One image for every Switchyard service: `docker run switchyard gateway` (or discovery,
# orchestrator, ollama-worker, lmstudio-worker, vllm-worker, sim).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
# npm install rather than npm ci: see .ci/run.
RUN npm install --no-audit --no-fund \
 && npx nx run-many -t build --exclude cli --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && sh deploy/docker/collect-runtime.sh /out

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    SWITCHYARD_LOG__FORMAT=json \
    SWITCHYARD_CONFIG=/etc/switchyard/switchyard.yaml
WORKDIR /app
COPY --from=build --chown=root:root /out /app
COPY --chown=root:root deploy/docker/switchyard.yaml /etc/switchyard/switchyard.yaml
USER node
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["gateway"]
