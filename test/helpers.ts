import { loadConfig } from "../src/config.js";
import { createEngine, type Engine } from "../src/match/index.js";

let shared: Promise<Engine> | null = null;
/** One real engine per test file (worker), on the real ROME data and bundled model. */
export function testEngine(): Promise<Engine> {
  shared ??= createEngine(loadConfig());
  return shared;
}
