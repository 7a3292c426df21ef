import { describe, expect, it } from "vitest";
import { ExemplarMemory } from "../../../src/match/index.js";
import { crossValidation } from "../../../src/tuning/index.js";
import type { FranceTravailOffer } from "../../../src/sources/index.js";

const offer = (id: string, source: string, text: string, romeCode = "G1803"): FranceTravailOffer => ({
  id,
  source_dataset: source,
  intitule: "Serveur",
  description: text,
  romeCode,
});

describe("leave-one-source-out", () => {
  const offers = [
    offer("a1", "A", "Service en salle, débarrassage des tables."),
    offer("a2", "A", "Mise en place et service du midi."),
    offer("b1", "B", "Service en salle, débarrassage  des tables."), // a repost of a1's text in another source
    offer("b2", "B", "Accueil des clients et prise de commandes."),
    offer("c1", "C", "Plonge et entretien de la cuisine.", "G1605"),
  ];
  const ficheRow = new Map([
    ["G1803", 0],
    ["G1605", 1],
  ]);
  const { memory } = ExemplarMemory.build(
    offers.map((o) => ({ id: o.id, title: o.intitule!, text: o.description!, romeCode: o.romeCode })),
    ficheRow,
  );
  const ids = (m: ExemplarMemory | null | undefined) => (m ? m.exemplars.map((e) => e.id).sort() : m);

  it("matches each source with a memory of the other sources only, reposted texts going with their source", () => {
    const cv = crossValidation(memory, offers, "source");
    expect(cv.folds).toBe(3);
    expect(ids(cv.memoryFor(offers[0]!))).toEqual(["b2", "c1"]); // b1 is a copy of a1's text
    expect(ids(cv.memoryFor(offers[3]!))).toEqual(["a2", "c1"]); // a1 is a copy of b1's text
    expect(ids(cv.memoryFor(offers[4]!))).toEqual(["a1", "a2", "b1", "b2"]);
    expect(cv.foldOf(offers[1]!)).toBe(cv.foldOf(offers[0]!));
  });
  it("gives no memory at all with none, and the engine's own when the offers are not in it (text mode)", () => {
    expect(crossValidation(memory, offers, "none").memoryFor(offers[0]!)).toBeNull();
    const outside = [offer("z1", "Z", "Texte inconnu de la mémoire.")];
    expect(crossValidation(memory, outside, "text").memoryFor(outside[0]!)).toBeUndefined();
    expect(ids(crossValidation(memory, offers, "text").memoryFor(offers[0]!))).not.toContain("a1");
  });
});
