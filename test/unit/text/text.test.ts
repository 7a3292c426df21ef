import { describe, expect, it } from "vitest";
import {
  Bm25Index,
  candidatePhrases,
  contentStems,
  CoverageIndex,
  hasContentStems,
  hasContentStemsAtLeast,
  isStopword,
  normalizeText,
  postingLists,
  segment,
  stem,
  termCounts,
  titleKey,
  topK,
  words,
} from "../../../src/text/index.js";

describe("hasContentStemsAtLeast", () => {
  it("says what contentStems' length says, for every count", () => {
    for (const t of ["", "  de la  ", "gérer les plannings des techniciens", "l'aujourd’hui C++ 35h", "et\n\tou  x"])
      for (let n = 0; n <= 6; n++) {
        expect(hasContentStemsAtLeast(t, n)).toBe(contentStems(t).length >= n);
        if (n === 1) expect(hasContentStems(t)).toBe(contentStems(t).length >= 1);
      }
  });
});

describe("French normalisation", () => {
  it("strips accents, ligatures and punctuation", () => {
    expect(normalizeText("Chef·fe de cœur — Élève, Ingénieur(e) C++ / C#")).toBe(
      "chef fe de coeur eleve ingenieur e c++ c#",
    );
  });
  it("gives plain ASCII text (its shortcut) what the full normalisation gives", () => {
    const full = (x: string) =>
      x
        .toLowerCase()
        .replace(/œ/g, "oe")
        .replace(/æ/g, "ae")
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/[’']/g, " ")
        .replace(/[^a-z0-9+#]+/g, " ")
        .trim();
    const texts = ["gestion", "CACES R489", "c++ c#", "a  b", " chef", "chef ", "l'equipe", "élève", "İstanbul", "K"];
    texts.push("Soins d'hygiène et de confort", "ADMINISTRATEUR SYSTEMES", "bac+2", "x-y", "œuvre", "", " ", "ß");
    for (const t of texts) expect([t, normalizeText(t)]).toEqual([t, full(t)]);
  });
  it("folds feminine job titles onto the masculine stem", () => {
    expect(stem("developpeuse")).toBe(stem("developpeur"));
    expect(stem("conseillere")).toBe(stem("conseiller"));
    expect(stem("animatrice")).toBe(stem("animateur"));
    expect(stem("infirmiere")).toBe(stem("infirmier"));
  });
  it("stems a text as the sum of its whitespace-delimited chunks (the memoised path) gives", () => {
    const direct = (t: string) =>
      words(t)
        .filter((w) => !(w.length < 2 && !/[0-9]/.test(w)) && !isStopword(w))
        .map(stem);
    for (const t of [
      "L'équipe\u00a0commerciale,vente;C++/C#",
      "cœur  de  métier\n\tœuvre",
      "Aide-soignant(e) H/F — 35h",
      "ÉLECTRICIEN N2 l’atelier",
      "",
    ]) {
      expect(contentStems(t)).toEqual(direct(t));
      expect(contentStems(t)).toEqual(direct(t)); // second call served from the memo
    }
  });
  it("drops stopwords and H/F", () => {
    expect(contentStems("Vendeur / Vendeuse en prêt-à-porter (H/F)")).toEqual(["vendeur", "vendeur", "pret", "port"]);
  });
});

describe("title keys", () => {
  it("ignore case, accents, word order, H/F and numbers, but not job words", () => {
    const key = (t: string) => titleKey(contentStems(t));
    expect(key("SERVEUR (h/f) 35h")).toBe(key("Serveur H/F"));
    expect(key("Prêt-à-porter vendeur")).toBe(key("VENDEUR PRET A PORTER"));
    expect(key("Serveur de restaurant")).not.toBe(key("Serveur"));
    expect(key("H/F - 35h")).toBe("");
  });
});

describe("segmentation", () => {
  const text = "Vos missions :\n- Accueil des clients\n• Encaissement. Mise en rayon; inventaire\n\nProfil : autonome.";
  const units = segment(text);
  it("keeps offsets that point into the original text", () => {
    for (const u of units) expect(text.slice(u.start, u.end)).toBe(u.text);
  });
  it("splits on lines, bullets, sentences and semicolons", () => {
    expect(units.map((u) => u.text)).toEqual([
      "Vos missions",
      "Accueil des clients",
      "Encaissement.",
      "Mise en rayon",
      "inventaire",
      "Profil : autonome.",
    ]);
  });
  it("handles empty and whitespace-only text", () => {
    expect(segment("")).toEqual([]);
    expect(segment(" \n\n ")).toEqual([]);
  });
  it("cuts very long enumerations into clauses", () => {
    const long = Array.from({ length: 20 }, (_, i) => `gestion du dossier numéro ${i}`).join(", ");
    const us = segment(long);
    expect(us.length).toBeGreaterThan(3);
    for (const u of us) expect(long.slice(u.start, u.end)).toBe(u.text);
  });
});

describe("BM25", () => {
  const docs = [["develop", "java"], ["vendeur", "pret", "port"], ["develop", "web", "php"], ["boulang"]];
  const idx = new Bm25Index(docs);
  it("ranks documents that share rare terms first", () => {
    expect(idx.search(["develop", "java"], 3).map((h) => h.doc)).toEqual([0, 2]);
    expect(idx.search(["boulang"], 3)[0]!.doc).toBe(3);
  });
  it("returns nothing for unknown terms", () => {
    expect(idx.search(["xyz"], 3)).toEqual([]);
  });
  it("gives rarer terms a higher IDF", () => {
    expect(idx.idf("java")).toBeGreaterThan(idx.idf("develop"));
  });
  it("keeps a query's terms of highest tf·idf, once each, and drops the ones it does not index", () => {
    // develop ×3 (idf 0.69) outweighs the rarer java and boulang (idf 1.20), tied, then taken in term order
    expect(idx.salientTerms(termCounts(["java", "develop", "develop", "develop", "xyz", "boulang"]), 2)).toEqual([
      "develop",
      "boulang",
    ]);
    expect(idx.salientTerms(termCounts(["java", "xyz"]), 5)).toEqual(["java"]);
    expect(idx.salientTerms(termCounts([]), 5)).toEqual([]);
  });
  it("counts a query's repeated terms once, and one query leaves nothing behind for the next", () => {
    const once = idx.search(["develop", "web"], 4);
    expect(idx.search(["web", "develop", "web", "develop", "develop"], 4)).toEqual(once);
    const seen: [number, number][] = [];
    idx.forEachScore(["develop", "develop", "php"], (d, s) => seen.push([d, s]));
    expect(seen.sort((a, b) => a[0] - b[0])).toEqual(
      idx
        .search(["php", "develop"], 4)
        .map((h) => [h.doc, h.score])
        .sort((a, b) => a[0] - b[0]),
    );
    expect(idx.search(["develop", "web"], 4)).toEqual(once);
  });
});

describe("label coverage", () => {
  const labels = [["gestion", "stock"], ["gestion", "projet", "agil"], ["stock"], ["conduit", "engin"]];
  const weight = (t: string) => ({ gestion: 0.5, stock: 2, projet: 1.5, agil: 3, conduit: 1, engin: 1 })[t] ?? 0;
  const idx = new CoverageIndex(labels, weight);
  it("scores the weighted share of each label's words the query contains", () => {
    const hits = idx.search(new Set(["gestion", "stock", "entrepot"]), 10);
    expect(hits.map((h) => h.doc)).toEqual([0, 2, 1]); // ties by label order
    expect(hits[0]!.coverage).toBeCloseTo(1);
    expect(hits[2]!.coverage).toBeCloseTo(0.5 / 5);
    expect(idx.coverageOf(1, new Set(["projet", "agil"]))).toBeCloseTo(4.5 / 5);
  });
  it("keeps the best k above the floor and leaves no state between queries", () => {
    expect(idx.search(new Set(["gestion", "stock"]), 1).map((h) => h.doc)).toEqual([0]);
    expect(idx.search(new Set(["gestion"]), 10, 0.2).map((h) => h.doc)).toEqual([0]); // "projet agile" is 10 % covered
    expect(idx.search(new Set(["engin"]), 10)).toEqual([{ doc: 3, coverage: 0.5 }]);
    expect(idx.search(new Set(["inconnu"]), 10)).toEqual([]);
  });
  it("keeps exact shares with weights too heavy for its default integer steps", () => {
    const heavy = new CoverageIndex(
      [
        ["a", "b"],
        ["a", "c", "d"],
      ],
      (t) => ({ a: 3e6, b: 1e6, c: 2e6, d: 2e6 })[t] ?? 0,
    );
    expect(heavy.search(new Set(["a"]), 10)).toEqual([
      { doc: 0, coverage: 0.75 },
      { doc: 1, coverage: 3 / 7 },
    ]);
    expect(heavy.coverageOf(1, new Set(["c", "d"]))).toBeCloseTo(4 / 7, 6);
  });
  it("covers one label by several term sets at once as coverageOf does set by set", () => {
    const sets = [new Set(["projet"]), new Set(["conduit"]), new Set(["agil", "gestion", "projet"]), new Set(["agil"])];
    const across = idx.coverageAcross(1, postingLists(sets)).sort((a, b) => a.set - b.set);
    expect(across.map((x) => x.set)).toEqual([0, 2, 3]); // set 1 shares no word with "gestion projet agile"
    for (const { set, coverage } of across) expect(coverage).toBe(idx.coverageOf(1, sets[set]!));
    expect(across[1]!.coverage).toBeCloseTo(1);
  });
  it("covers across hundreds of sets (a long CV's units) and leaves nothing behind for the next label", () => {
    const many = Array.from(
      { length: 300 },
      (_, i) => new Set(i % 3 === 0 ? ["gestion", "stock"] : i % 3 === 1 ? ["stock"] : ["engin"]),
    );
    const setsWith = postingLists(many);
    for (const doc of [0, 3, 0]) {
      const across = idx.coverageAcross(doc, setsWith);
      expect(across.length).toBe(doc === 0 ? 200 : 100);
      for (const { set, coverage } of across) expect(coverage).toBe(idx.coverageOf(doc, many[set]!));
    }
  });
});

describe("top-k selection", () => {
  it("returns the k best, best first, ties by smaller index", () => {
    const score = Float64Array.from([0.1, 0.9, 0.5, 0.9, 0.3, 0.7]);
    expect(topK([0, 1, 2, 3, 4, 5], score, 3)).toEqual([1, 3, 5]);
    expect(topK([4, 0, 2], score, 10)).toEqual([2, 4, 0]);
    expect(topK([1, 2], score, 0)).toEqual([]);
  });
  it("reads only the first `count` candidates (a reused buffer)", () => {
    const score = Float64Array.from([0.1, 0.9, 0.5, 0.9, 0.3, 0.7]);
    expect(topK(Int32Array.from([4, 0, 2, 1, 3]), score, 10, 3)).toEqual([2, 4, 0]);
    expect(topK(Int32Array.from([4, 0, 2, 1, 3]), score, 2, 0)).toEqual([]);
  });
  it("agrees with a full sort on random data", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const score = Float64Array.from({ length: 500 }, () => Math.round(rand() * 50) / 50);
    const docs = Array.from({ length: 500 }, (_, i) => i);
    const sorted = [...docs].sort((a, b) => score[b]! - score[a]! || a - b);
    expect(topK(docs, score, 37)).toEqual(sorted.slice(0, 37));
  });
});

describe("candidate phrases", () => {
  it("builds 1–4-word phrases without stopwords at the edges", () => {
    const [u] = segment("Maîtrise de la gestion de projets agiles");
    const keys = candidatePhrases(u!).map((p) => p.text);
    expect(keys).toContain("gestion de projets agiles");
    expect(keys.some((k) => k.startsWith("de ") || k.endsWith(" de"))).toBe(false);
  });
});
