/** The ingest service: documents matched by the engine, then stored in the lake (match-then-store). */
export { IngestService, openLake } from "./service.js";
