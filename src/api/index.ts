/** The HTTP API: the app and the server that runs it; the passerelles' query shape and indexes, which the CLI shares. */
export { createApp, type AppContext } from "./app.js";
export { startServer } from "./server.js";
export { LIMITS } from "./limits.js";
export { FilterQuery, passerellesIndexes } from "./routes/passerelles.js";
