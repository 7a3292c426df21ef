import { loadConfig } from "./src/config.js";
import { createEngine } from "./src/match/index.js";
import { crossValidation } from "./src/tuning/index.js";
import { readOffers } from "./src/sources/index.js";
const offers = readOffers("/work/shared/eval/offers-dev.jsonl");
const engine = await createEngine(loadConfig(), {});
const { memoryFor } = crossValidation(engine.exemplars, offers, "source");
const pats = process.argv.slice(2);
for (const pat of pats) {
  const o = offers.find((x) => (x.intitule ?? "").startsWith(pat) && x.source_dataset?.startsWith("ily"))!;
  for (const mem of [memoryFor(o), null]) {
    const r = await engine.match({ text: o.description ?? "", title: o.intitule ?? undefined, kind: "offer", topK: 5, codedAt: o.dateCreation ?? undefined }, { exemplars: mem });
    console.log(o.intitule, "gold", o.romeCode, mem ? "LOSO" : "none", "textlen", (o.description ?? "").length);
    for (const m of r.metiers) console.log("  ", m.code, m.libelle.slice(0, 30), JSON.stringify(m.score), m.appellation?.libelle);
  }
}
