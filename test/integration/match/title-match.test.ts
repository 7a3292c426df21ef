import { beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../src/match/index.js";
import { searchAppellations } from "../../../src/rome/index.js";
import { testEngine } from "../../helpers.js";

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
}, 180_000);

const first = async (title: string | undefined, text: string) =>
  (await engine.match({ title, text, kind: "offer", topK: 5 }, { exemplars: null })).metiers.map((m) => m.code);

describe("titles as new users write them (no labelled offers)", () => {
  it("reads 'dev' as a developer, not a quote (devis)", async () => {
    const codes = await first("dev fullstack js", "Rejoignez notre équipe produit.");
    expect(codes[0]).toMatch(/^M18/);
    expect(codes.slice(0, 3)).toContain("M1855"); // Développeur web lists "Développeur / Développeuse full-stack"
  });
  it("writes out the acronyms of care jobs and ignores urgency and contract words", async () => {
    expect((await first("ASH H/F - URGENT - CDI", "Entretien des chambres et des locaux."))[0]).toBe("J1301");
    expect((await first("AES de nuit F/H/X 1900€ brut", "Accompagnement des résidents."))[0]).toBe("K1306");
  });
  it("uses a text's first line as its title when it names a job", async () => {
    const text =
      "Technicien de maintenance H/F\nVous assurez la maintenance préventive et curative des lignes de production.";
    const r = await engine.match({ text, kind: "offer", topK: 3 }, { exemplars: null });
    const titled = await engine.match(
      { text, title: "Technicien de maintenance H/F", kind: "offer", topK: 3 },
      { exemplars: null },
    );
    expect(r.metiers.map((m) => m.code)).toEqual(titled.metiers.map((m) => m.code));
    expect(r.status).toBe(titled.status);
    expect(r.metiers[0]!.score.title).toBeGreaterThan(0);
    // A first line that is a sentence, or names no job, is not a title: no title evidence at all.
    for (const text of [
      "Nous recherchons une personne motivée.\nVous assurez la maintenance des lignes.",
      "Jean Dupont\nMaintenance des lignes.",
    ]) {
      const prose = await engine.match({ text, kind: "cv", topK: 3 }, { exemplars: null });
      expect(prose.metiers.every((m) => m.score.title === 0)).toBe(true);
    }
  });
});

describe("appellation autocomplete", () => {
  it("writes out abbreviations already typed, not the word being typed", () => {
    expect(searchAppellations(engine.appellationSearch, "dev fullstack", 3)[0]!.libelle).toBe(
      "Développeur / Développeuse full-stack",
    );
    expect(searchAppellations(engine.appellationSearch, "developpeur full stack", 3)[0]!.libelle).toBe(
      "Développeur / Développeuse full-stack",
    );
    // "dev" alone may be the start of "devis": left as typed.
    expect(searchAppellations(engine.appellationSearch, "dev", 10).some((a) => /devis/i.test(a.libelle))).toBe(true);
  });
});
