import { describe, expect, it } from "vitest";
import { ExemplarMemory } from "../../../src/match/index.js";
import {
  acceptsAsExemplar,
  crossValidation,
  ownLabelMemory,
  ownLabelSelection,
  SELF_TRAIN_ID,
  selfTrainChunk,
  selfTrainExemplars,
  selfTrainMemory,
} from "../../../src/tuning/index.js";
import { exemplarGroup } from "../../../src/match/index.js";
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

describe("self-training (--self-train)", () => {
  const offers = [
    offer("a1", "A", "Service en salle, débarrassage des tables."),
    offer("a2", "A", "Service en salle, débarrassage  des tables."), // a repost of a1's text
    offer("a3", "A", "Plonge et entretien de la cuisine."),
    offer("a4", "A", "Accueil des clients et prise de commandes."),
  ];
  const answer = (code: string, confidence: number, status: "confident" | "uncertain") => ({
    status,
    metiers: [
      { code, confidence },
      { code: "K1304", confidence: 0.01 },
    ] as never,
  });
  const results = [
    answer("G1803", 0.9, "confident"),
    answer("G1803", 0.9, "confident"),
    answer("G1605", 0.55, "uncertain"),
    answer("D1401", 0.3, "uncertain"),
  ];
  const ficheRow = new Map([
    ["G1803", 0],
    ["G1605", 1],
    ["D1401", 2],
    ["M1805", 3],
  ]);

  it("labels the accepted answers' offers with their first code", () => {
    expect(acceptsAsExemplar(results[2]!, "confident")).toBe(false);
    expect(acceptsAsExemplar(results[2]!, 0.5)).toBe(true);
    expect(acceptsAsExemplar({ status: "empty", metiers: [] }, 0.1)).toBe(false);
    const confident = selfTrainExemplars(offers, results, "confident");
    expect(confident.map((e) => [e.id, e.romeCode])).toEqual([
      [`${SELF_TRAIN_ID}a1`, "G1803"],
      [`${SELF_TRAIN_ID}a2`, "G1803"],
    ]);
    expect(selfTrainExemplars(offers, results, 0.5).map((e) => e.romeCode)).toEqual(["G1803", "G1803", "G1605"]);
  });

  it("re-matches an offer without its own text's exemplars (copies included), keeping the base memory whole", () => {
    const { memory: base } = ExemplarMemory.build(
      [{ id: "b1", title: "Développeur", text: "Développement Java.", romeCode: "M1805" }],
      ficheRow,
    );
    const memoryOf = selfTrainMemory(base, selfTrainExemplars(offers, results, 0.5), ficheRow);
    const ids = (text: string) => memoryOf(text).exemplars.map((e) => e.id);
    const own = ids(offers[0]!.description!);
    expect(own).toContain("b1");
    expect(own).not.toContain(`${SELF_TRAIN_ID}a1`);
    expect(own).not.toContain(`${SELF_TRAIN_ID}a2`); // a copy of a1's text
    const kitchen = ids(offers[2]!.description!);
    expect(kitchen).not.toContain(`${SELF_TRAIN_ID}a3`);
    // a1's exemplars are in a3's memory unless the two texts fall in one chunk.
    const sameChunk =
      selfTrainChunk(exemplarGroup(offers[0]!.description!)) === selfTrainChunk(exemplarGroup(offers[2]!.description!));
    expect(kitchen.includes(`${SELF_TRAIN_ID}a1`)).toBe(!sameChunk);
    // Any text: the exemplars of every other chunk, and no others.
    const other = "Texte sans exemplaire.";
    const chunk = selfTrainChunk(exemplarGroup(other));
    const expected = offers
      .slice(0, 3)
      .filter((o) => selfTrainChunk(exemplarGroup(o.description!)) !== chunk)
      .map((o) => `${SELF_TRAIN_ID}${o.id}`);
    expect(ids(other).filter((id) => id.startsWith(SELF_TRAIN_ID))).toEqual(expected);
    // No base (--memory none): the batch's own exemplars only.
    const alone = selfTrainMemory(null, selfTrainExemplars(offers, results, 0.5), ficheRow);
    expect(alone(offers[2]!.description!).exemplars.every((e) => e.id.startsWith(SELF_TRAIN_ID))).toBe(true);
  });
});

describe("own labels (--own-labels)", () => {
  const dated = (id: string, source: string, text: string, date: string | null, romeCode = "G1803") => ({
    ...offer(id, source, text, romeCode),
    dateCreation: date,
  });
  // File order is not date order; a3 and a4 share a date (file order breaks the tie); a6 has no date.
  const offers: FranceTravailOffer[] = [
    dated("a1", "A", "Plonge et entretien de la cuisine.", "2024-03-01T09:00:00Z", "G1605"),
    dated("a2", "A", "Service en salle, débarrassage des tables.", "2024-01-15T09:00:00Z"),
    dated("a3", "A", "Accueil des clients et prise de commandes.", "2024-02-01T09:00:00Z"),
    dated("a4", "A", "Mise en place et service du midi.", "2024-02-01T09:00:00Z"),
    dated("a5", "A", "Service en salle,  débarrassage des tables.", "2024-05-01T09:00:00Z"), // a repost of a2's text
    dated("a6", "A", "Préparation des entrées froides.", null, "G1602"),
    dated("b1", "B", "Accueil des clients et prise de commandes.", "2023-01-01T09:00:00Z"), // a3's text
    dated("b2", "B", "Ménage des chambres.", "2024-06-01T09:00:00Z", "G1501"),
    dated("b3", "B", "Réception et check-in.", "2024-07-01T09:00:00Z", "G1703"),
  ];
  const ids = (os: readonly FranceTravailOffer[] | undefined) => (os ?? []).map((o) => o.id);

  it("takes each source's N earliest offers (ties in file order), scores the others less copies of their texts", () => {
    const sel = ownLabelSelection(offers, 2);
    expect(ids(sel.own.get("A"))).toEqual(["a2", "a3"]);
    expect(ids(sel.own.get("B"))).toEqual(["b1"]); // capped at half of 3
    // a5 is a copy of a2's text; a3's text in B (b1) is B's own label, not scored either.
    expect(ids(sel.scored)).toEqual(["a1", "a4", "a6", "b2", "b3"]);
    expect(sel.perSource).toEqual({ A: { n: 2, scored: 3, copies: 1 }, B: { n: 1, scored: 2, copies: 0 } });
    expect(ids(ownLabelSelection(offers, 3).own.get("A"))).toEqual(["a2", "a3", "a4"]);
  });

  it("caps N at half a source's offers, undated offers last, and N = 0 scores everything", () => {
    const sel = ownLabelSelection(offers, 100);
    expect(ids(sel.own.get("A"))).toEqual(["a2", "a3", "a4"]);
    expect(sel.perSource.A!.n).toBe(3);
    expect(ids(sel.scored)).toEqual(["a1", "a6", "b2", "b3"]);
    const none = ownLabelSelection(offers, 0);
    expect(ids(none.scored)).toEqual(ids(offers));
    expect(Object.values(none.perSource).every((p) => p.n === 0 && p.copies === 0)).toBe(true);
  });

  it("adds the own-labelled offers, with their own codes, after the fold's memory", () => {
    const ficheRow = new Map([
      ["G1803", 0],
      ["G1605", 1],
      ["M1805", 2],
    ]);
    const { memory: base } = ExemplarMemory.build(
      [{ id: "x1", title: "Développeur", text: "Développement Java.", romeCode: "M1805" }],
      ficheRow,
    );
    const own = [offers[1]!, offers[0]!];
    const m = ownLabelMemory(base, own, ficheRow);
    expect(m.exemplars.map((e) => [e.id, e.romeCode])).toEqual([
      ["x1", "M1805"],
      ["a2", "G1803"],
      ["a1", "G1605"],
    ]);
    expect(ownLabelMemory(null, own, ficheRow).exemplars.map((e) => e.id)).toEqual(["a2", "a1"]);
  });
});
