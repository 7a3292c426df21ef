// Worker threads do not inherit tsx's loader: register it, then load the TypeScript worker (see trends-analyses.ts).
import { register } from "tsx/esm/api";

register();
await import("./trends-worker.ts");
