import { describe, expect, it } from "vitest";
import { Bm25Index, candidatePhrases, contentStems, normalizeText, segment, stem } from "../src/text/index.js";

describe("French normalisation", () => {
  it("strips accents, ligatures and punctuation", () => {
    expect(normalizeText("Chef·fe de cœur — Élève, Ingénieur(e) C++ / C#")).toBe("chef fe de coeur eleve ingenieur e c++ c#");
  });
  it("folds feminine job titles onto the masculine stem", () => {
    expect(stem("developpeuse")).toBe(stem("developpeur"));
    expect(stem("conseillere")).toBe(stem("conseiller"));
    expect(stem("animatrice")).toBe(stem("animateur"));
    expect(stem("infirmiere")).toBe(stem("infirmier"));
  });
  it("drops stopwords and H/F", () => {
    expect(contentStems("Vendeur / Vendeuse en prêt-à-porter (H/F)")).toEqual(["vendeur", "vendeur", "pret", "port"]);
  });
});

describe("segmentation", () => {
  const text = "Vos missions :\n- Accueil des clients\n• Encaissement. Mise en rayon; inventaire\n\nProfil : autonome.";
  const units = segment(text);
  it("keeps offsets that point into the original text", () => {
    for (const u of units) expect(text.slice(u.start, u.end)).toBe(u.text);
  });
  it("splits on lines, bullets, sentences and semicolons", () => {
    expect(units.map((u) => u.text)).toEqual(["Vos missions", "Accueil des clients", "Encaissement.", "Mise en rayon", "inventaire", "Profil : autonome."]);
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
});

describe("candidate phrases", () => {
  it("builds 1–4-word phrases without stopwords at the edges", () => {
    const [u] = segment("Maîtrise de la gestion de projets agiles");
    const keys = candidatePhrases(u!).map((p) => p.text);
    expect(keys).toContain("gestion de projets agiles");
    expect(keys.some((k) => k.startsWith("de ") || k.endsWith(" de"))).toBe(false);
  });
});
