import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, REPO_ROOT } from "../../../src/config.js";
import { inForce, type Engine } from "../../../src/match/index.js";
import { loadReferential } from "../../../src/rome/index.js";
import { testEngine } from "../../helpers.js";

describe("codes in force when an offer was coded", () => {
  it("maps fiches the earlier referential lacks to their parent, repeats merged, order kept", () => {
    const parent = (c: string) => ({ B2: "B1", B3: "B1" })[c] ?? c;
    expect(inForce(["B2", "A1", "B1", "B3", "C1"], new Set(["A1", "B1", "C1"]), parent)).toEqual(["B1", "A1", "C1"]);
    expect(inForce([], new Set(), parent)).toEqual([]);
  });

  it("gives v458's codes for v460's June 2025 children (Data analyst → Chargé d'études socio-économiques)", () => {
    const now = loadReferential(loadConfig().romeDir);
    const before = new Set(loadReferential(path.resolve(REPO_ROOT, "..", "shared", "rome", "v458")).fiches.keys());
    const parent = (c: string) => now.fiches.get(c)!.parent;
    expect(before.has("M1419")).toBe(false);
    expect(inForce(["M1419", "M1403", "D1214"], before, parent)).toEqual(["M1403", "D1214"]);
    // Children that existed before the split keep their code.
    expect(before.has("M1854")).toBe(true);
    expect(inForce(["M1854"], before, parent)).toEqual(["M1854"]);
  });
});

describe("a match of a text coded before the split (codedAt, romeVersion)", () => {
  let engine: Engine;
  let before: Set<string>;
  beforeAll(async () => {
    engine = await testEngine();
    before = new Set(loadReferential(path.resolve(REPO_ROOT, "..", "shared", "rome", "v458")).fiches.keys());
  });
  const offer = {
    title: "Data analyst H/F",
    text: "Nous recherchons un data analyst pour analyser les données clients, construire des tableaux de bord Power BI et écrire des requêtes SQL.",
    kind: "offer" as const,
    topK: 10,
  };

  it("reads the appellations where v458 placed them: 'Directeur de magasin de détail' was D1301's, is D1302's", async () => {
    const [d1301, d1302] = ["D1301", "D1302"].map((c) => engine.lexicon.ficheRow.get(c)!);
    const title = "Directeur / Directrice de magasin de détail (H/F)";
    const text = "Vous dirigez le magasin, son équipe et ses résultats.";
    const today = await engine.featuresFor(text, title, { exemplars: null });
    const then = await engine.featuresFor(text, title, { exemplars: null }, undefined, { codedAt: "2024-11-04" });
    expect([today.titleAppellation[d1301], today.titleAppellation[d1302]]).toEqual([0, 1]);
    expect([then.titleAppellation[d1301], then.titleAppellation[d1302]]).toEqual([1, 0]);
    expect(then.titleLex[d1301]).toBe(1);
    expect(engine.earlier!.appellations!.moved).toBeGreaterThan(300);
  });

  it("lists v458's codes: a June 2025 child merged into its parent, confidences summed, explained", async () => {
    const today = await engine.match(offer);
    const then = await engine.match({ ...offer, codedAt: "2024-03-01T10:00:00Z" });
    expect(today.codedWith).toBeUndefined();
    expect(today.metiers[0]!.mergedFrom).toBeUndefined();
    expect(today.metiers[0]!.code).toBe("M1419");
    expect(then.codedWith).toBe("v458");
    expect(then.romeVersion).toBe("v460");
    for (const m of then.metiers) expect(before.has(m.code)).toBe(true);
    const first = then.metiers[0]!;
    expect(first.code).toBe("M1403");
    expect(first.mergedFrom).toContain("M1419");
    expect(first.parentOf).toBe("M1419");
    // Its confidence holds its children's: at least what they had in today's list (where the parent, lifted by its
    // child, had its own share too).
    const had = today.metiers.filter((m) => first.mergedFrom!.includes(m.code));
    expect(first.confidence).toBeGreaterThanOrEqual(had.reduce((s, m) => s + m.confidence, 0) - 0.01);
    expect(first.confidence).toBeGreaterThan(today.metiers.find((m) => m.code === "M1403")!.confidence);
    // Explanations are those of the code listed, and the list sums to about what today's did.
    expect(first.libelle).toBe(engine.referential.fiches.get("M1403")!.libelle);
    expect(then.metiers.reduce((s, m) => s + m.confidence, 0)).toBeLessThanOrEqual(1.001);
    expect(then.status).toBe("confident");
    // Same list whether the caller says the date or the version.
    const byVersion = await engine.match({ ...offer, romeVersion: "v458" });
    expect(byVersion.metiers.map((m) => m.code)).toEqual(then.metiers.map((m) => m.code));
  });

  it("from the split's month on, lists today's codes with no parent lifted by its child (its coder had the children)", async () => {
    const today = await engine.match(offer);
    const lifted = today.metiers.filter((m) => m.parentOf !== null).map((m) => m.code);
    expect(lifted.length).toBeGreaterThan(0);
    for (const when of [{ codedAt: "2025-09-15" }, { romeVersion: "v460" }]) {
      const after = await engine.match({ ...offer, ...when });
      expect(after.codedWith).toBeUndefined();
      expect(after.metiers.every((m) => m.parentOf === null)).toBe(true);
      // The fiches listed on their own score keep their order and their confidence (shares of the list with the
      // parents, so that the status reads as for any text); a parent only its child placed is gone.
      const own = today.metiers.filter((m) => m.parentOf === null);
      const kept = after.metiers.filter((m) => own.some((o) => o.code === m.code));
      expect(kept.map((m) => [m.code, m.confidence])).toEqual(own.map((m) => [m.code, m.confidence]));
      expect(after.metiers.length).toBe(today.metiers.length);
      expect(after.metiers.reduce((s, m) => s + m.confidence, 0)).toBeLessThan(1);
      expect(after.status).toBe(today.status);
    }
  });

  it("leaves a list without created fiches as it was, with empty mergedFrom", async () => {
    const sale = {
      title: "Vendeuse en prêt-à-porter",
      text: "Accueil et conseil des clientes, encaissement, mise en rayon et tenue du magasin de vêtements.",
      kind: "offer" as const,
      topK: 3,
    };
    const today = await engine.match(sale);
    const then = await engine.match({ ...sale, codedAt: "2024-06-10" });
    expect(then.metiers[0]!.code).toBe(today.metiers[0]!.code);
    expect(then.metiers[0]!.mergedFrom).toEqual([]);
  });

  it("lists ROME's 532 historical codes before 2024 (v3): an older child merged into the code it was split from", async () => {
    const roof = {
      title: "Couvreur / Couvreuse (H/F)",
      text: "Nous recherchons un couvreur pour des travaux de toiture et de zinguerie sur nos chantiers.",
      kind: "offer" as const,
      topK: 5,
    };
    const v458 = await engine.match({ ...roof, codedAt: "2024-06-10" });
    const v3 = await engine.match({ ...roof, codedAt: "2022-05-01" });
    // F1619 "Couvreur / Couvreuse" already existed in v458 (a child of F1610); France Travail coded roofers F1610 then.
    expect(v458.codedWith).toBe("v458");
    expect(v458.metiers[0]!.code).toBe("F1619");
    expect(v3.codedWith).toBe("v3");
    expect(v3.metiers[0]!.code).toBe("F1610");
    expect(v3.metiers[0]!.mergedFrom).toContain("F1619");
    for (const m of v3.metiers) expect(engine.referential.fiches.get(m.code)!.parent).toBe(m.code);
    const byVersion = await engine.match({ ...roof, romeVersion: "v3" });
    expect(byVersion.metiers.map((m) => m.code)).toEqual(v3.metiers.map((m) => m.code));
  });
});
