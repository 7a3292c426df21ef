# rome-match API. The ROME export and the embedding model are mounted, not baked in:
#   docker build -t rome-match .
#   docker run -p 3000:3000 -v /path/to/rome/v460:/data/rome/v460:ro -v /path/to/model:/models/model:ro \
#     -v /path/to/labelled-offers.jsonl:/data/labelled-offers.jsonl:ro -e LABELLED_OFFERS=/data/labelled-offers.jsonl \
#     -e DATABASE_URL=postgres://… rome-match
# (LABELLED_OFFERS is optional: offers with the ROME code a recruiter chose, whose codes vote; see README. So is
# ESCO_CROSSWALK, France Travail's ESCO ↔ ROME CSV: mount it and set -e ESCO_CROSSWALK=/data/esco-rome.csv.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL_CUDA=skip
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The passerelles ranker (a small JSON data file; embedding models are mounted, not copied).
COPY models/passerelles.json ./models/passerelles.json

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true HOST=0.0.0.0 PORT=3000 \
    ROME_DIR=/data/rome/v460 MODEL_DIR=/models/model INDEX_DIR=/app/indexes LAKE_DIR=/data/lake
COPY --from=build /app /app
RUN mkdir -p /app/indexes /data/lake && chown -R node:node /app/indexes /data
USER node
EXPOSE 3000
# Indexes are built at first start when missing (~1 min); mount INDEX_DIR on a volume to keep them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["npx", "tsx", "src/cli/main.ts", "serve"]
