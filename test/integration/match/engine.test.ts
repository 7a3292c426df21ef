import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env, pipeline } from "@huggingface/transformers";
import { dot, dotEach, dotPair, dotRows, TransformersEmbedder } from "../../../src/embed/index.js";
import { WordPieceIds } from "../../../src/embed/static-table.js";
import { indexDir, indexesAreCurrent, openIndexes, VectorIndex } from "../../../src/vectors/index.js";
import {
  CONFIDENCE,
  ExemplarMemory,
  matchStatus,
  RANK_MODEL,
  RANK_MODEL_NO_TITLE,
  type Engine,
} from "../../../src/match/index.js";
import { combine, parentLift, PARENT_ODDS, scoreOf, withParents } from "../../../src/match/fitting.js";
import { readOffers } from "../../../src/sources/index.js";
import { segment } from "../../../src/text/index.js";
import { loadConfig } from "../../../src/config.js";
import { testEngine } from "../../helpers.js";
import type { EngineContext } from "../../../src/match/context.js";
import { extract } from "../../../src/match/stages/extract.js";
import { prepare, prepareStatements } from "../../../src/match/stages/prepare.js";

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});

const OFFER = {
  title: "Développeur Java / Spring (H/F)",
  text: `Nous recherchons un développeur Java pour rejoindre notre équipe.
Vos missions :
- Concevoir et développer des applications web en Java / Spring Boot
- Rédiger les tests unitaires et la documentation technique
- Participer aux revues de code et à l'amélioration continue
Profil : maîtrise de SQL, Git et des méthodes agiles.`,
};

describe("matching a job offer", () => {
  it("ranks a developer fiche first, its pre-split parent among the first three, with a score breakdown and confidence", async () => {
    const r = await engine.match({ ...OFFER, kind: "offer", topK: 5 });
    expect(r.romeVersion).toBe("v460");
    const first = engine.referential.fiche(r.metiers[0]!.code)!;
    expect(first.parent).toBe("M1805"); // M1805 itself or one of the fiches split from it
    expect(first.libelle).toMatch(/Développeur/);
    const codes = r.metiers.map((m) => m.code);
    expect(codes.slice(0, 3)).toContain("M1805");
    const parentEntry = r.metiers.find((m) => m.parentOf !== null);
    if (parentEntry) expect(engine.referential.fiche(parentEntry.parentOf!)!.parent).toBe(parentEntry.code);
    expect(r.metiers).toHaveLength(5);
    const m = r.metiers[0]!;
    expect(m.score.total).toBeGreaterThan(r.metiers[1]!.score.total);
    expect(m.confidence).toBeGreaterThanOrEqual(r.metiers[1]!.confidence);
    expect(r.metiers.reduce((s, x) => s + x.confidence, 0)).toBeLessThanOrEqual(1.0001);
    expect(m.appellation?.libelle).toMatch(/[Dd]éveloppeur/);
  });

  it("returns evidence spans that are verbatim slices of the text", async () => {
    const r = await engine.match({ ...OFFER, kind: "offer" });
    expect(r.skills.length).toBeGreaterThan(0);
    for (const s of r.skills) for (const e of s.evidence) expect(OFFER.text.slice(e.start, e.end)).toBe(e.text);
  });

  it("explains shared MCs with real compétences and lists missing MCs of the fiche only", async () => {
    const r = await engine.match({ ...OFFER, kind: "offer" });
    const ref = engine.referential;
    expect(r.metiers[0]!.sharedMacroCompetences.length).toBeGreaterThan(0);
    for (const m of r.metiers) {
      const mcs = ref.ficheMacroCompetences(m.code);
      for (const s of m.sharedMacroCompetences) {
        expect(mcs.has(s.code)).toBe(true);
        for (const c of s.competences) {
          expect(ref.competences.get(c.code)!.macroCompetence).toBe(s.code);
          expect(r.skills.some((x) => x.code === c.code)).toBe(true); // explanations name only reported skills
        }
      }
      for (const x of m.missingMacroCompetences) {
        expect(mcs.has(x.code)).toBe(true);
        expect(m.sharedMacroCompetences.some((s) => s.code === x.code)).toBe(false);
      }
      // coeur de métier first
      const flags = m.missingMacroCompetences.map((x) => x.coeurMetier);
      expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    }
  });

  it("never lists as missing an MC that a skill of the answer shows (README's first request)", async () => {
    const r = await engine.match({
      kind: "offer",
      title: "Boulanger H/F",
      text: "Nous recherchons un boulanger H/F pour la fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson. CAP boulanger exigé.",
    });
    const shown = new Set(r.skills.map((s) => s.macroCompetence).filter((mc) => mc !== null));
    expect(shown.has("300089")).toBe(true); // "Défourner des pains et viennoiseries" and others
    for (const m of r.metiers) for (const x of m.missingMacroCompetences) expect(shown.has(x.code), m.code).toBe(false);
  });

  it("ranks other métiers for clearly different texts", async () => {
    const cases: [string, string, string][] = [
      ["Boulanger H/F", "Fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson au four.", "D1102"],
      [
        "Aide-soignant de nuit",
        "Réaliser les soins d'hygiène et de confort des patients, aider à la toilette, surveiller l'état de santé.",
        "J1501",
      ],
      [
        "Conducteur poids lourd",
        "Transport de marchandises en camion porteur, chargement et déchargement, permis C.",
        "N4101",
      ],
    ];
    for (const [title, text, code] of cases) {
      const r = await engine.match({ title, text, kind: "offer", topK: 5 });
      expect(r.metiers.map((m) => m.code)).toContain(code);
    }
  });

  it("ranks by the ranking model: each total is its features' weighted sum plus their products, shown as interactions", async () => {
    let lifted = 0;
    for (const [title, model] of [
      [OFFER.title, RANK_MODEL],
      [undefined, RANK_MODEL_NO_TITLE],
    ] as const) {
      const r = await engine.match({ text: OFFER.text, title, kind: "offer", topK: 10 });
      const f = await engine.featuresFor(OFFER.text, title, {}, model);
      lifted += r.metiers.filter((m) => m.parentOf !== null).length; // parents a child placed show their own total too
      for (const m of r.metiers) {
        const i = engine.lexicon.ficheRow.get(m.code)!;
        expect(m.score.total).toBeCloseTo(scoreOf(f, model, i), 3);
        expect(m.score.interactions).toBeCloseTo(scoreOf(f, model, i) - combine(f, model.weights, i), 3);
      }
      expect(r.metiers.some((m) => m.score.interactions !== 0)).toBe(true);
    }
    expect(lifted).toBeGreaterThan(0);
  });

  it("gives a parent listed from below the reranked fiches its products too (a long list: topK 50)", async () => {
    // On the first 400 dev offers at topK 50, 177 of 3,947 listed parents came from there and showed a linear-only total.
    const offers = readOffers(path.resolve(loadConfig().romeDir, "..", "..", "eval", "offers-dev.jsonl")).filter(
      (o) => o.intitule === "Secrétaire administratif / Secrétaire administrative (H/F)",
    );
    expect(offers.length).toBeGreaterThan(0);
    for (const o of offers.slice(0, 3)) {
      const r = await engine.match({
        text: o.description ?? "",
        title: o.intitule ?? undefined,
        kind: "offer",
        topK: 50,
        explain: false,
      });
      const f = await engine.featuresFor(o.description ?? "", o.intitule ?? undefined, {}, RANK_MODEL);
      for (const m of r.metiers)
        expect(m.score.total).toBeCloseTo(scoreOf(f, RANK_MODEL, engine.lexicon.ficheRow.get(m.code)!), 3);
    }
  });

  it("gives the title-is-an-appellation feature to the fiche of that appellation only, whatever the case or H/F", async () => {
    const row = engine.lexicon.ficheRow.get("D1214")!; // Vendeur / Vendeuse en prêt-à-porter
    const text = "Accueil des clients, conseil, encaissement et mise en rayon.";
    const exact = await engine.featuresFor(text, "VENDEUR / VENDEUSE EN PRÊT-À-PORTER (H/F)", { exemplars: null });
    expect(exact.titleAppellation[row]).toBe(1);
    expect(exact.titleAppellation.reduce((a, b) => a + b, 0)).toBe(1);
    const looser = await engine.featuresFor(text, "Vendeur prêt-à-porter et chaussures", { exemplars: null });
    expect(looser.titleAppellation.every((x) => x === 0)).toBe(true);
    expect(looser.titleLex[row]).toBeGreaterThan(0); // still found by the title's words
    const r = await engine.match(
      { title: "Vendeur / Vendeuse en prêt-à-porter", text, kind: "offer", topK: 3 },
      { exemplars: null },
    );
    expect(r.metiers[0]!.code).toBe("D1214");
  });

  it("reads an English title that is a ROME appellation as written, not with the French put beside its words", async () => {
    const row = engine.lexicon.ficheRow.get("M1811")!; // Data engineer
    const text = "Vous concevez les pipelines de données et administrez l'entrepôt de données.";
    const f = await engine.featuresFor(text, "Data Engineer (H/F)", { exemplars: null });
    expect(f.titleAppellation[row]).toBe(1);
    expect(f.titleLex[row]).toBe(1);
  });

  it("says there is nothing to match for text without a known word", async () => {
    const r = await engine.match({ text: "zzqx wwvk ppfl", kind: "cv" });
    expect(r.status).toBe("empty");
    expect(r.metiers).toEqual([]);
    expect(r.skills).toEqual([]);
  });

  it("matches a CV without a title", async () => {
    const r = await engine.match({
      text: "Expérience de 5 ans en comptabilité générale : saisie des écritures, rapprochements bancaires, déclarations de TVA, bilan.",
      kind: "cv",
      topK: 5,
    });
    expect(r.metiers.length).toBeGreaterThan(0);
    expect(r.metiers.some((m) => /compta/i.test(m.libelle))).toBe(true);
  });
});

describe("status", () => {
  const c = (code: string, confidence: number, evidence: number) => ({ code, confidence, evidence });
  it("is confident above the calibrated thresholds, and says which one a match misses", () => {
    expect(matchStatus([])).toEqual({ status: "empty", statusReason: null, margin: 0, evidenceLeader: null });
    expect(matchStatus([c("M1805", 0.9, 1), c("M1855", 0.05, 0.9)])).toMatchObject({
      status: "confident",
      statusReason: null,
      evidenceLeader: null,
    });
    expect(matchStatus([c("M1805", 0.9, 1)]).margin).toBe(1);
    expect(matchStatus([c("M1805", CONFIDENCE.minTop - 0.01, 1), c("M1855", 0.1, 1)]).statusReason).toBe(
      "low_confidence",
    );
    expect(matchStatus([c("M1805", 0.65, 1), c("M1855", 0.5, 1)]).statusReason).toBe("small_margin");
  });

  it("is uncertain when labelled offers put first a fiche of another grand domaine the text argues against", () => {
    const waiter = [c("M1843", 0.74, 0.18), c("M1801", 0.15, 0), c("G1803", 0.1, 1.5)];
    expect(matchStatus(waiter)).toMatchObject({
      status: "uncertain",
      statusReason: "labelled_offers_against_text",
      evidenceLeader: "G1803",
    });
    // Weak evidence, or not twice the first's, or a fiche of the same grand domaine (a ROME 4.0 parent and its child): no conflict.
    expect(matchStatus([c("M1843", 0.74, 0.18), c("G1803", 0.1, 0.7)]).status).toBe("confident");
    expect(matchStatus([c("M1843", 0.74, 0.8), c("G1803", 0.1, 1.5)]).status).toBe("confident");
    expect(matchStatus([c("M1403", 0.8, 0.2), c("M1419", 0.1, 1.6)]).status).toBe("confident");
  });

  it("flags a waiter the dev offers' mislabelled waiters put under M1843 (Administrateur de serveurs), and not without them", async () => {
    // "Serveur", as the mislabelled offers title it ("Serveuse" now ranks G1803 first, uncertain: low confidence).
    const waiter = {
      title: "Serveur",
      text: "Accueil des clients, prise de commandes, service à table en brasserie.",
      kind: "offer" as const,
    };
    const r = await engine.match(waiter);
    expect(r.metiers[0]!.code).toBe("M1843"); // what FT's coding taught the memory
    // Uncertain, with the fiche the text argues for named (the model refitted across sources trusts the memory less:
    // its first confidence may fall below CONFIDENCE before the conflict rule is reached).
    expect(r).toMatchObject({ status: "uncertain", evidenceLeader: "G1803" });
    expect(["labelled_offers_against_text", "low_confidence"]).toContain(r.statusReason);
    const g = r.metiers.find((m) => m.code === "G1803")!;
    expect(g.score.title + g.score.body).toBeGreaterThan(2 * (r.metiers[0]!.score.title + r.metiers[0]!.score.body));
    const clean = await engine.match(waiter, { exemplars: ExemplarMemory.build([], engine.lexicon.ficheRow).memory });
    expect(clean).toMatchObject({ status: "confident", statusReason: null, evidenceLeader: null });
    expect(clean.metiers[0]!.code).toBe("G1803");
  });
});

describe("split fiches and their parents", () => {
  // Rows: 0 and 1 are children of 5, 2 of 6, 3 and 4 unsplit.
  const parent = (i: number) => ({ 0: 5, 1: 5, 2: 6 })[i] ?? i;
  it("lifts a parent to its best child's score less the lift, marked with that child, and lets others in between", () => {
    const totals = Float64Array.from([1.0, 0.8, 0.5, 0.95, 0.85, 0.1, 0.6]);
    const list = withParents([0, 3, 4, 1, 2], totals, parent, 0.1);
    expect(list.map((x) => x.row)).toEqual([0, 3, 5, 4, 1, 6, 2]);
    expect(list.find((x) => x.row === 5)).toEqual({ row: 5, parentOf: 0, rankScore: 0.9 });
    // A parent whose own score is above the lift keeps it; it was not in the list on its own, so its child placed it.
    expect(list.find((x) => x.row === 6)).toEqual({ row: 6, parentOf: 2, rankScore: 0.6 });
  });
  it("leaves a parent ranked on its own above the lift unmarked", () => {
    const totals = Float64Array.from([1.0, 0, 0, 0, 0, 0.95]);
    expect(withParents([0, 5], totals, parent, 0.1)).toEqual([
      { row: 0, parentOf: null, rankScore: 1 },
      { row: 5, parentOf: null, rankScore: 0.95 },
    ]);
  });
  it("gives a lifted parent 1/PARENT_ODDS of its child's confidence in a match", async () => {
    // Without its title the offer lists M1811 (Data engineer, split from M1802) well above M1802's own score.
    const r = await engine.match({ text: OFFER.text, kind: "offer", topK: 10 });
    const lift = parentLift(RANK_MODEL_NO_TITLE.temperature);
    const lifted = r.metiers.filter(
      (m) => m.parentOf !== null && m.score.total < r.metiers.find((c) => c.code === m.parentOf)!.score.total - lift,
    );
    expect(lifted.length).toBeGreaterThan(0);
    for (const m of lifted)
      expect(m.confidence).toBeCloseTo(r.metiers.find((c) => c.code === m.parentOf)!.confidence / PARENT_ODDS, 2);
  });
});

describe("skill extraction", () => {
  it("finds cashier skills in a cashier's lines, with evidence", async () => {
    const text = "Accueil des clients\nEncaissement\nMise en rayon des produits";
    const skills = await engine.extractSkills(text);
    const labels = skills.map((s) => s.libelle.toLowerCase());
    expect(labels.some((l) => l.includes("encaissement"))).toBe(true);
    expect(labels.some((l) => l.includes("rayon"))).toBe(true);
    for (const s of skills) {
      if (s.kind === "competence")
        expect(engine.referential.competences.get(s.code)!.macroCompetence).toBe(s.macroCompetence);
      else if (s.kind === "macro-competence") expect(engine.referential.macroCompetences.has(s.code)).toBe(true);
      else expect(engine.referential.savoirs.has(s.code)).toBe(true);
    }
  });

  it("reads the same statements, vectors and context alone (extractSkills) as a match's preparation", async () => {
    // The engine's tables (a test reads its stages with them).
    const ctx = (engine as unknown as { ctx: EngineContext }).ctx;
    const config = loadConfig();
    const offers = readOffers(path.join(config.romeDir, "..", "..", "eval", "offers-dev.jsonl"), 80);
    const texts = offers.map((o) => o.description ?? "");
    // A leading title line (the context), a layout's broken lines and columns (statements that are not units).
    texts.push(
      ...offers.slice(0, 10).map((o) => `${o.intitule}\n${o.description}`),
      "Aide-soignant H/F\nVous assurez les soins d'hygiène et\nde confort des résidents, l'aide aux repas, les transmissions.",
      "COMPÉTENCES      FORMATION\nGestion des stocks      CAP cuisine 2015\nPermis B",
    );
    let contexts = 0;
    for (const text of texts) {
      const [alone, full] = [await prepareStatements(ctx, text), await prepare(ctx, text, undefined)];
      expect(alone.statements).toEqual(full.statements);
      expect(alone.statementVecs).toEqual(full.statementVecs);
      expect(alone.context).toEqual(full.context);
      expect(await engine.extractSkills(text)).toEqual(extract(ctx, full));
      if (alone.context.size > 0) contexts++;
    }
    expect(contexts).toBeGreaterThan(3);
  }, 120_000);
});

describe("embedder", () => {
  it("uses the static-table fast path for the bundled model, with the ONNX pipeline's vectors", async () => {
    const config = loadConfig();
    const onnx = await TransformersEmbedder.load({ modelDir: config.modelDir, fastPath: false });
    const fast = engine.embedder as TransformersEmbedder;
    expect(fast.mode).toBe("static-table");
    expect(onnx.mode).toBe("onnx");
    // Real offers cut into units, whole offers (some past the 512-token limit), and odd characters.
    const offers = readOffers(path.join(config.romeDir, "..", "..", "eval", "offers-dev.jsonl"), 40);
    const texts = offers.flatMap((o) => [
      o.intitule ?? "",
      ...segment(o.description ?? "").map((u) => u.text),
      `${o.intitule}\n${o.description}`,
    ]);
    texts.push(
      "\u00a0\ufeffchef\u200bde rang\u0085serveur",
      "🙂 émoji — « guillemets »",
      "x".repeat(300),
      "Ⅻ ﬁnance ＡＢＣ",
      // Words cached by their punctuation-separated pieces: marks inside, around, repeated, on long words.
      "(H/F), l’équipe… «voir» a.b.c; C++/C# ; 3,5€/h ¿qué? ‐tiret‐ ".repeat(3),
      `${"y".repeat(120)}, (${"z".repeat(99)}).`,
    );
    const [a, b] = [await fast.embed(texts), await onnx.embed(texts)];
    let worst = 0;
    a.forEach((v, i) => v.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i]![j]!)))));
    expect(texts.length).toBeGreaterThan(400);
    expect(worst).toBeLessThan(1e-5);
  }, 60_000);

  it("reads plain words' WordPiece ids as the tokenizer does (the static table's fast path for new words)", async () => {
    const config = loadConfig();
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(path.resolve(config.modelDir)) + path.sep;
    const pipe = await pipeline("feature-extraction", path.basename(path.resolve(config.modelDir)), { dtype: "fp32" });
    const wordPiece = WordPieceIds.of(pipe.tokenizer)!;
    expect(wordPiece).not.toBeNull();
    const offers = readOffers(path.join(config.romeDir, "..", "..", "eval", "offers-dev.jsonl"), 300);
    const words = new Set(offers.flatMap((o) => `${o.intitule} ${o.description}`.split(/[^\p{L}\p{N}]+/u)));
    for (const w of ["Œuvre", "ÇA", "x".repeat(100), "y".repeat(101), "Ÿves", "ß", "1er", "A320"]) words.add(w);
    let plain = 0;
    for (const w of words) {
      const ids = wordPiece.ids(w);
      if (ids === null) continue;
      plain++;
      expect([w, ids]).toEqual([w, pipe.tokenizer.encode(w, { add_special_tokens: false })]);
    }
    expect(plain).toBeGreaterThan(5_000);
    // Pieces with punctuation, other scripts or spaces are left to the tokenizer.
    for (const w of ["l'équipe", "C++", "Ⅻ", "ＡＢＣ", "a\u00a0b", "", "α"]) expect(wordPiece.ids(w)).toBeNull();
  }, 120_000);

  it("scores every fiche row like dot() does", () => {
    const m = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i));
    const q = Float32Array.from({ length: 5 }, (_, i) => Math.cos(i));
    const out = new Float64Array(7);
    dotRows(m, q, out);
    out.forEach((x, r) => expect(x).toBeCloseTo(dot(q, m.subarray(r * 5, r * 5 + 5)), 6));
  });

  it("dot() sums every coordinate, whatever the length's remainder by four", () => {
    for (const n of [0, 1, 3, 4, 7, 256]) {
      const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const b = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
      let naive = 0;
      for (let i = 0; i < n; i++) naive += a[i]! * b[i]!;
      expect(dot(a, b)).toBeCloseTo(naive, 12);
      // dotPair sums each row exactly as dot does: the same bits, so answers do not depend on which one ran.
      const c = Float32Array.from({ length: n }, (_, i) => Math.cos(i + 0.5));
      const out = new Float64Array(2);
      dotPair(a, b, c, out);
      expect([out[0], out[1]]).toEqual([dot(a, b), dot(a, c)]);
      const each = new Float64Array(3);
      dotEach(a, [b, c, a], each);
      expect([...each]).toEqual([dot(a, b), dot(a, c), dot(a, a)]);
    }
  });
});

describe("HNSW indexes", () => {
  it("agree with the exact scan (recall@10 ≥ 0.95 on appellation titles)", async () => {
    const idx = engine.indexes.appellations;
    const queries = await engine.embedder.embed([
      "chauffeur livreur",
      "infirmier de bloc",
      "comptable",
      "chef de projet informatique",
      "serveur en restauration",
      "maçon",
      "professeur de mathématiques",
      "agent de sécurité",
    ]);
    let hit = 0;
    for (const q of queries) {
      const exact = new Set(idx.exact(q, 10).map((h) => h.id));
      hit += idx.search(q, 10).filter((h) => exact.has(h.id)).length;
    }
    expect(hit / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it("are rebuilt when the manifest names another referential version", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "idx-"));
    try {
      const config = loadConfig();
      const embedder = await TransformersEmbedder.load({ modelDir: config.modelDir });
      // A small slice of the real referential: the rebuild logic is the same, the embedding takes a second.
      const slice = <T>(m: ReadonlyMap<string, T>) => new Map([...m].slice(0, 300));
      const ref = engine.referential;
      const small = {
        version: ref.version,
        appellations: slice(ref.appellations),
        competences: slice(ref.competences),
        savoirs: slice(ref.savoirs),
      };
      const dir = indexDir(root, small.version, embedder.id);
      await openIndexes(root, small, embedder);
      expect(indexesAreCurrent(dir, small.version, embedder.id)).toBe(true);
      const mf = path.join(dir, "manifest.json");
      const before = JSON.parse(readFileSync(mf, "utf8")) as { builtAt: string };
      writeFileSync(mf, readFileSync(mf, "utf8").replace('"romeVersion": "v460"', '"romeVersion": "v459"'));
      expect(indexesAreCurrent(dir, small.version, embedder.id)).toBe(false);
      await new Promise((r) => setTimeout(r, 5)); // builtAt has millisecond resolution
      const rebuilt = await openIndexes(root, small, embedder);
      expect(indexesAreCurrent(dir, small.version, embedder.id)).toBe(true);
      expect((JSON.parse(readFileSync(mf, "utf8")) as { builtAt: string }).builtAt).not.toBe(before.builtAt);
      expect(rebuilt.savoirs.size).toBe(300);
      expect(VectorIndex.exists(dir, "competences")).toBe(true);
      // The rebuilt index answers: a label finds itself first.
      const [code, comp] = [...small.competences][7]!;
      const [vec] = await embedder.embed([comp.libelle], "passage");
      expect(rebuilt.competences.search(vec!, 1)[0]!.id).toBe(code);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
