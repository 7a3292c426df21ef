# rome-match API, compiled to dist/ and run with production dependencies only. The ROME export and the embedding
# model are mounted, not baked in; indexes and the embedded lake live on volumes.
#   docker build -t rome-match .
#   docker run -p 3000:3000 \
#     -v /path/to/rome/v460:/data/rome/v460:ro -v /path/to/model:/models/model:ro \
#     -v /path/to/labelled-offers.jsonl:/data/labelled-offers.jsonl:ro -e LABELLED_OFFERS=/data/labelled-offers.jsonl \
#     -v rome-indexes:/app/indexes -v rome-lake:/data/lake \
#     -e API_KEYS='ingest-key-0123456789:ingest;advisor-key-0123456789:advisor,analyst' rome-match
# LABELLED_OFFERS (offers with the ROME code a recruiter chose; their codes vote) is optional: without it top-1 drops
# by about 0.15 on offers of the collections it holds, much less on other sources (docs/figures.md).
# Add -e DATABASE_URL=postgres://… for a PostgreSQL lake (several processes); the embedded lake is one process.
# ESCO_CROSSWALK is optional: mount France Travail's ESCO ↔ ROME CSV and set -e ESCO_CROSSWALK=/data/esco-rome.csv.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL_CUDA=skip
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The fitted models (small JSON data files: ranking, passerelles); embedding models are mounted, not copied.
COPY models/*.json ./models/
# The console's pages (served at /) are built here too, where vite (a dev dependency) is installed.
RUN npm run build && npm run build:console && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true HOST=0.0.0.0 PORT=3000 \
    ROME_DIR=/data/rome/v460 MODEL_DIR=/models/model INDEX_DIR=/app/indexes LAKE_DIR=/data/lake
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/models ./models
RUN mkdir -p /app/indexes /data/lake && chown -R node:node /app/indexes /data/lake
USER node
VOLUME ["/app/indexes", "/data/lake"]
EXPOSE 3000
# Indexes are built at first start when missing (~1 min, progress in the log); keep them on their volume.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/cli/main.js", "serve"]
