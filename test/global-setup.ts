import "../src/text/quiet.js";
import { loadConfig } from "../src/config.js";
import { TransformersEmbedder } from "../src/embed/index.js";
import { indexDir, indexesAreCurrent, openIndexes } from "../src/vectors/index.js";
import { loadReferential } from "../src/rome/index.js";
import { ensureWordVectors } from "../src/tuning/index.js";

/**
 * Builds the real indexes once for the whole run, so test files only load them; and the word vectors a service reads
 * by default (stated skills, the passerelles model's text similarities), so that every test file meets them or none.
 */
export default async function setup(): Promise<void> {
  const config = loadConfig();
  const ref = loadReferential(config.romeDir);
  const embedder = await TransformersEmbedder.load({ modelDir: config.modelDir, dtype: config.modelDtype });
  if (!indexesAreCurrent(indexDir(config.indexRoot, ref.version, embedder.id), ref.version, embedder.id)) {
    console.log("building ROME indexes for the test run…");
    await openIndexes(config.indexRoot, ref, embedder);
  }
  ensureWordVectors(config, { log: (line) => console.log(line) });
}
