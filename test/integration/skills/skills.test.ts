import { beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../src/match/index.js";
import { ProfileMatcher } from "../../../src/passerelles/profile.js";
import {
  buildSavoirLexicon,
  experienceWeights,
  namedSavoirs,
  parseCv,
  sectionUnits,
  statementUnits,
  statedStems,
  StemFamilies,
} from "../../../src/skills/index.js";
import { related } from "../../../src/skills/families.js";
import { coreOfDomain, withoutExamples } from "../../../src/skills/stated.js";
import { segment } from "../../../src/text/index.js";
import { testEngine } from "../../helpers.js";

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});

/** The CV of issue 20, as a new user pasted it. */
const CV = `Julie Martin
Expérience
2019-2024 Aide-soignante, EHPAD Les Tilleuls, Lyon : soins d'hygiène et de confort, aide aux repas, transmissions ciblées, surveillance des constantes.
2016-2019 Agent de service hospitalier, Clinique du Parc : bionettoyage des chambres, distribution des repas.
Formation
Diplôme d'État d'aide-soignant (DEAS), 2019
Compétences : gestes et postures, logiciel de soins Netsoins, travail en équipe pluridisciplinaire, permis B.`;

const STATEMENTS = [
  "soins d'hygiène et de confort",
  "aide aux repas",
  "transmissions ciblées",
  "surveillance des constantes",
  "bionettoyage des chambres",
  "distribution des repas",
  "gestes et postures",
  "logiciel de soins Netsoins",
  "travail en équipe pluridisciplinaire",
  "permis B",
  "DEAS",
];

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

describe("stated skills of the example CV", () => {
  it("finds at least 7 of its 11 statements with spans, and nothing in a heading or a job header", async () => {
    const skills = await engine.extractSkills(CV);
    const spans = skills.flatMap((s) => s.evidence);
    for (const e of spans) expect(CV.slice(e.start, e.end)).toBe(e.text);
    const found = STATEMENTS.filter((st) => {
      const at = CV.indexOf(st);
      return spans.some((e) => overlaps(e, { start: at, end: at + st.length }));
    });
    expect(found.length).toBeGreaterThanOrEqual(7);
    for (const heading of ["Expérience", "Formation", "Compétences :"]) {
      const at = CV.indexOf(heading);
      expect(spans.some((e) => overlaps(e, { start: at, end: at + heading.length }))).toBe(false);
    }
    // The job headers (title, employer, town) state no skill.
    const header = CV.indexOf("Aide-soignante, EHPAD Les Tilleuls, Lyon");
    expect(spans.some((e) => overlaps(e, { start: header, end: header + 39 }))).toBe(false);
    const codes = skills.map((s) => s.code);
    expect(codes).toContain("123456"); // Permis de conduire catégorie B
    expect(codes).toContain("404157"); // Diplôme d'Etat d'aide-soignant
    expect(codes).toContain("100016"); // Gestes et postures de manutention
  });

  it("lists its two experiences with appellations, ranks J1501 first and explains it by ≥ 3 shared MCs with spans", async () => {
    const r = await engine.match({ text: CV, kind: "cv", topK: 5 });
    expect(r.experiences.map((e) => [e.title, e.appellation?.ficheCode, e.durationMonths])).toEqual([
      ["Aide-soignante", "J1501", 60],
      ["Agent de service hospitalier", "J1301", 36],
    ]);
    expect(r.experiences[0]!.weight).toBe(1);
    expect(r.experiences[1]!.weight).toBeLessThan(1);
    expect(r.metiers[0]!.code).toBe("J1501");
    const j = r.metiers[0]!;
    expect(j.sharedMacroCompetences.length).toBeGreaterThanOrEqual(3);
    for (const mc of j.sharedMacroCompetences) expect(mc.evidence.length).toBeGreaterThan(0);
  });

  it("traces the score: a fiche has an MC part exactly when its explanation lists shared MCs, from reported skills", async () => {
    for (const input of [
      { text: CV, kind: "cv" as const },
      { text: CV, kind: "offer" as const, title: "Aide-soignant" },
    ]) {
      const r = await engine.match({ ...input, topK: 10 });
      const reported = new Set(r.skills.map((s) => s.code));
      for (const m of r.metiers) {
        expect(m.score.mcOverlap > 0).toBe(m.sharedMacroCompetences.length > 0);
        for (const mc of m.sharedMacroCompetences)
          for (const c of mc.competences) expect(reported.has(c.code)).toBe(true);
      }
    }
  });
});

describe("statements: sections, boilerplate, negations, enumerations", () => {
  it("drops headings and the benefits section, keeps a heading's line content in its section", () => {
    const text =
      "Vos missions\nAccueillir les clients\nProfil : rigueur et sens du service\nNos avantages\nMutuelle et tickets restaurant\nSalle de sport";
    const units = sectionUnits(segment(text));
    expect(units.map((u) => [u.text, u.section])).toEqual([
      ["Accueillir les clients", "missions"],
      ["rigueur et sens du service", "profil"],
      ["Mutuelle et tickets restaurant", "avantages"],
      ["Salle de sport", "avantages"],
    ]);
    const statements = statementUnits(segment(text));
    expect(statements.filter((u) => !u.namedOnly).map((u) => u.text)).toEqual([
      "Accueillir les clients",
      "rigueur et sens du service",
    ]);
    // The benefits lines are read for short forms only ("Permis B" may stand there), never as statements.
    expect(statements.filter((u) => u.namedOnly).map((u) => u.text)).toEqual([
      "Mutuelle et tickets restaurant",
      "Salle de sport",
    ]);
  });

  it("leaves out what the text does not ask and contract lines; splits lists but not verbs sharing an object", () => {
    const text =
      "Pas de diplôme exigé.\nCDI, 35 heures par semaine, salaire selon profil.\nAccueil, encaissement, mise en rayon\nAccueillir, conseiller et orienter les clients";
    const statements = statementUnits(segment(text));
    expect(statements.filter((u) => !u.namedOnly).map((u) => u.text)).toEqual([
      "Accueil",
      "encaissement",
      "mise en rayon",
      "Accueillir, conseiller et orienter les clients",
    ]);
    // The negated line is gone entirely; the contract line is kept for short forms only.
    expect(statements.filter((u) => u.namedOnly).map((u) => u.text)).toEqual([
      "CDI, 35 heures par semaine, salaire selon profil.",
    ]);
  });

  it("reads a heading cut from its value on one line as the value's only ('Rémunération : Selon profil')", () => {
    const text =
      "Missions\nPoser les banches.\nRémunération : Selon profil.\nHoraires : Journée.\nVous travaillez avec rigueur.";
    const units = sectionUnits(segment(text), text);
    expect(units.map((u) => [u.text, u.section])).toEqual([
      ["Poser les banches.", "missions"],
      ["Selon profil.", "avantages"],
      ["Journée.", "avantages"],
      ["Vous travaillez avec rigueur.", "missions"],
    ]);
  });

  it("splits merged columns and joins lines a layout broke, offsets kept", () => {
    const text =
      "FORMATION          COMPÉTENCES\n2012 CAP Cuisine         Travail en équipe\n" +
      "Pose de chemins de câbles, tirage de câbles, raccordement des tableaux\nélectriques, mise en service.\n" +
      "Dépannage sur installations courant fort et\ncourant faible.\nAccueil des clients\naccueil téléphonique";
    const statements = statementUnits(segment(text), [], text).filter((u) => !u.namedOnly);
    for (const u of statements)
      expect(u.text.replace(/\s+/g, " ")).toBe(text.slice(u.start, u.end).replace(/\s+/g, " "));
    const texts = statements.map((u) => u.text.replace(/\s+/g, " "));
    expect(texts).toEqual([
      "2012 CAP Cuisine",
      "Travail en équipe",
      "Pose de chemins de câbles",
      "tirage de câbles",
      "raccordement des tableaux électriques",
      "mise en service",
      "Dépannage sur installations courant fort et courant faible.",
      "Accueil des clients",
      "accueil téléphonique",
    ]);
    // Without the text, lines are not joined (a comma-split long sentence leaves the same gaps as a line break).
    expect(statementUnits(segment(text)).map((u) => u.text)).toContain("électriques");
  });
});

describe("second and MC-level readings", () => {
  it("reads what a statement's best label leaves, and a statement no label reaches at its MC", async () => {
    const libelles = async (t: string) => (await engine.extractSkills(t)).map((s) => s.libelle);
    // Two items in one sentence: the rest of the words ("réalisez les enduits") give the second.
    expect(await libelles("Vous montez les murs en briques et réalisez les enduits intérieurs.")).toEqual(
      expect.arrayContaining(["Monter des parpaings ou des briques", "Réaliser des enduits"]),
    );
    // No label at the minimum score, but the macro-compétence and its compétences agree.
    expect(await libelles("Vous préparez les chantiers.")).toEqual(["Préparer l'exécution du chantier"]);
  });
});

describe("nominal task lists", () => {
  it("reads the README's boulanger offer: the tasks listed after 'Nous recherchons …', cuisson as 'Cuire'", async () => {
    const text =
      "Nous recherchons un boulanger H/F pour la fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson. CAP boulanger exigé.";
    const read = (await engine.extractSkills(text)).map((s) => [s.libelle, s.evidence.map((e) => e.text)]);
    expect(read).toEqual(
      expect.arrayContaining([
        ["CAP boulanger", ["CAP boulanger exigé."]],
        ["Techniques de pétrissage manuel", ["pétrissage"]],
        ["Cuire des pâtons", ["façonnage et cuisson"]],
      ]),
    );
  });
});

describe("diplomas", () => {
  it("leaves out savoirs that are job titles, and only diplomas escape that rule", async () => {
    const read = async (t: string) => (await engine.extractSkills(t)).map((s) => s.libelle);
    // "de" is the level of any folded "… de x": only a "Diplôme d'État" label counts as a diploma by it.
    expect(await read("Agent de sûreté aéroportuaire")).not.toContain("Agent de sûreté aéroportuaire");
    expect(await read("CAP maçon")).toContain("CAP maçon");
  });
  it("reads a dated line that names a diploma, before its school too, and a diploma without the savoirs' penalty", async () => {
    const read = async (t: string) => (await engine.extractSkills(t)).map((s) => s.libelle);
    // Dated: once read as a job header (short forms only), or cut at its dash (the school's name left).
    expect(await read("J'ai le CAP Maçon (2006) et le permis B.")).toContain("CAP maçon");
    expect(await read("DIPLÔMES\n2000 Diplôme d'État d'infirmier – IFSI de Lyon")).toEqual([
      expect.stringMatching(/^Diplôme d'[eé]tat d'infirmier/i),
    ]);
    // Words met, not a short form: a savoir would pay 0.12 and fall under the minimum.
    expect(await read("Formation\nBTS Négociation et relation client (2015)")).toEqual([
      "BTS négociation et digitalisation de la relation client",
    ]);
  });
});

describe("head clauses", () => {
  it("reads a sentence's head clause without its adjuncts, so that the label it states is not diluted", async () => {
    const read = async (t: string) => (await engine.extractSkills(t)).map((s) => s.libelle);
    // Read whole, the sentence gives "Gérer les plannings d'utilisation des équipements": the adjuncts' words dilute
    // the exact label.
    expect(
      await read(
        "Vous gérez les plannings des techniciens dans une zone géographique définie avec les chefs d'équipe.",
      ),
    ).toEqual(["Gérer un planning"]);
  });
});

describe("coeur de métier of the text's domain", () => {
  it("is the MC a domain fiche holds as principale, not one it holds aside nor one it lacks", () => {
    const ref = engine.referential;
    const mcOf = (label: string) => [...ref.competences.values()].find((c) => c.libelle === label)!.macroCompetence;
    const care = new Set(["J1501"]);
    const hygiene = mcOf("Réaliser des soins d'hygiène corporelle, de confort et de prévention");
    expect(coreOfDomain(ref, care, hygiene)).toBe(true);
    expect(coreOfDomain(ref, new Set(), hygiene)).toBe(false);
    expect(coreOfDomain(ref, care, mcOf("Conduire des engins agricoles"))).toBe(false);
    const aside = [...ref.ficheMacroCompetences("J1501").values()].filter((m) => !m.coeur);
    expect(aside.length).toBeGreaterThan(0);
    for (const m of aside) expect(coreOfDomain(ref, care, m.code)).toBe(false);
  });
});

describe("savoir-être", () => {
  it("names the macro-compétence a short phrase asks for, the one that says the person does it", async () => {
    const text = `Profil recherché
Respect des règles d'hygiène et de sécurité.
Créatif, doté d'un esprit de service et d'une bonne capacité d'organisation.
Patience et sens du détail.`;
    const libelles = (await engine.extractSkills(text)).map((s) => s.libelle);
    expect(libelles).toEqual(
      expect.arrayContaining([
        "Respecter les règles de Qualité, Hygiène, Sécurité, Santé et Environnement (QHSSE)",
        "Faire preuve de créativité, d'inventivité",
        "Avoir le sens du service",
        "Organiser son travail selon les priorités et les objectifs",
        "Faire preuve de patience et garder son sang-froid",
        "Faire preuve de rigueur et de précision",
      ]),
    );
    // Not the manager's or the inspector's items of the same words.
    expect(libelles).not.toContain(
      "Contrôler les règles de Qualité, Hygiène, Sécurité, Santé et Environnement (QHSSE)",
    );
    expect(libelles).not.toContain("Encourager la créativité et l'innovation dans son équipe");
  });

  it("reads adaptability in its usual phrasings (plural capacities, 'sens de l'adaptation', 'qualités d'adaptation')", async () => {
    for (const text of [
      "Vous avez de bonnes capacités d'adaptation.",
      "Reconnu pour votre sens de l'adaptation.",
      "Vous avez des qualités d'autonomie et d'adaptation à des situations diverses.",
    ]) {
      const libelles = (await engine.extractSkills(text)).map((s) => s.libelle);
      expect(libelles, text).toContain("Etre ouvert aux changements");
    }
  });

  it("reads no task in the name of a service or an establishment ('Centre de Soins Infirmiers')", async () => {
    for (const text of ["Centre de Soins Infirmiers", "Service de Soins Infirmiers à Domicile"]) {
      const libelles = (await engine.extractSkills(text)).map((s) => s.libelle);
      expect(libelles, text).not.toContain("Réaliser des soins infirmiers");
    }
    // The same words as a task are read.
    const task = (await engine.extractSkills("Vous réalisez les soins infirmiers.")).map((s) => s.libelle);
    expect(task).toContain("Réaliser des soins infirmiers");
  });

  it("reads advice given to the person served, not a company's trade or 'Conseil' as a name", async () => {
    const mc = "Conseiller, accompagner une personne";
    for (const text of [
      "Vos missions : l'accueil, le conseil et la fidélisation de vos clients.",
      "Vous savez créer avec vos clients des liens de confiance pour toujours leur apporter conseils et valeur ajoutée.",
      "Missions :\n- Accueil\n- Conseils Clients\n- Encaissement",
    ]) {
      const libelles = (await engine.extractSkills(text)).map((s) => s.libelle);
      expect(libelles, text).toContain(mc);
    }
    for (const text of [
      "Sopra Steria, leader européen du conseil, des services numériques et du développement logiciel.",
      "Nous intervenons au niveau de la collecte, de l'approvisionnement et du conseil.",
      "Axians accompagne ses clients sur leurs enjeux IT via l'AT, le Conseil, l'Audit et l'Infogérance.",
      "Vous présentez les dossiers devant le conseil municipal.",
    ]) {
      const libelles = (await engine.extractSkills(text)).map((s) => s.libelle);
      expect(libelles, text).not.toContain(mc);
    }
  });
});

describe("savoirs named by their short forms", () => {
  it("reads licences, CACES, languages, software and acronyms, with spans", () => {
    const lex = buildSavoirLexicon(engine.referential);
    const label = (text: string) =>
      namedSavoirs(lex, text, 0).map((n) => [
        engine.referential.savoirs.get(n.code)!.libelle,
        text.slice(n.start, n.end),
      ]);
    expect(label("Titulaire du permis B")).toEqual([["Permis de conduire catégorie B", "permis B"]]);
    expect(label("CACES R489 cat. 3")[0]![0]).toMatch(/R 489-3|R489/);
    expect(label("anglais courant")).toEqual([["Pratique de l'anglais", "anglais"]]);
    expect(label("Maîtrise d'Excel et de SAP")).toEqual([
      ["Microsoft Excel", "Excel"],
      ["Progiciel de gestion SAP", "SAP"],
    ]);
    // A product whose label is its name, with a version number; an abilitation by its acronym.
    expect(label("Docker, HTML5, Jira ; FIMO et FCO à jour")).toEqual([
      ["Docker", "Docker"],
      ["HTML", "HTML5"],
      ["JIRA", "Jira"],
      ["Formation Initiale Minimum Obligatoire (FIMO)", "FIMO"],
      ["Formation Continue Obligatoire (FCO)", "FCO"],
    ]);
    // Not in lower case, and a capitalised name not in a heading's capitals ("SOUDEUR ASSEMBLEUR").
    expect(label("docker")).toEqual([]);
    expect(label("Habilitations électriques B1V, BR à jour")).toEqual([
      ["Habilitation électrique", "Habilitations électriques B1V, BR"],
    ]);
    expect(label("SOUDEUR ASSEMBLEUR")).toEqual([]);
    expect(label("Respect des normes HACCP")).toEqual([
      ["Système Hazard Analysis Critical Control Point (HACCP)", "HACCP"],
    ]);
    // Capitals that are no product: a surname, a school's town.
    expect(label("Nathalie Robert, Nantes")).toEqual([]);
  });

  it("reads the licence categories a list goes on with after a comma ('Permis B, C et FIMO')", async () => {
    const text = "Votre profil :\n* Titulaire du Permis B, C et FIMO\n* Ponctualité";
    const skills = await engine.extractSkills(text);
    const c = skills.find((s) => s.libelle === "Permis de conduire catégorie C");
    expect(c?.evidence.map((e) => e.text)).toEqual(["C"]);
    expect(skills.map((s) => s.libelle)).toContain("Permis de conduire catégorie B");
  });

  it("reads a statement without its list of examples in parentheses too", async () => {
    const text = [
      "Vos missions :",
      "- Collecte des déchets ménagers (ordures ménagères, tri sélectif, verre) à l'aide d'un camion-grue.",
      "- Savoir utiliser une machine à coudre industrielle (réglage, enfilage, sens de la cannette).",
    ].join("\n");
    const skills = await engine.extractSkills(text);
    const score = (l: string) => skills.find((s) => s.libelle === l)?.score ?? 0;
    // The task outside the parentheses is read clearly; the examples' words no longer make a sibling its equal.
    expect(score("Collecter des déchets ménagers ou industriels")).toBeGreaterThan(
      score("Organiser le tri sélectif des déchets") + 0.05,
    );
    expect(skills.map((s) => s.libelle)).toContain("Utilisation de machines à coudre industrielles");
    expect(skills.map((s) => s.libelle)).not.toContain("Techniques de réglages de machines à coudre industrielles");
    expect(withoutExamples("Collecte des déchets (ordures, verre) en camion")).toEqual({
      text: "Collecte des déchets                  en camion",
      stems: statedStems("Collecte des déchets en camion"),
    });
    // Not a list: a name, an acronym, a gender mark.
    expect(withoutExamples("Machine à coudre (Juki)")).toBeNull();
    expect(withoutExamples("(a, b)")).toBeNull();
  });

  it("reads the field of a training, not after a diploma's name nor inside a longer phrase", () => {
    const lex = buildSavoirLexicon(engine.referential);
    const label = (text: string) =>
      namedSavoirs(lex, text, 0).map((n) => [
        engine.referential.savoirs.get(n.code)!.libelle,
        text.slice(n.start, n.end),
      ]);
    expect(label("Vous êtes issu.e d'une formation en électrotechnique")).toEqual([
      ["Electrotechnique", "formation en électrotechnique"],
    ]);
    // The field's techniques when ROME has no label of the field alone.
    expect(label("titulaire d'un niveau N3P2 en maçonnerie")).toEqual([
      ["Techniques de maçonnerie", "niveau N3P2 en maçonnerie"],
    ]);
    expect(label("Licence en informatique")).toEqual([]);
    expect(label("Bac+5 en histoire de l'art")).toEqual([]);
    expect(label("formation en alternance")).toEqual([]);
  });
});

describe("word families", () => {
  it("joins a noun and its verb, not words that only start alike", () => {
    expect(related("nettoi", "nettoyag")).toBe(true);
    expect(related("soud", "soudag")).toBe(true);
    expect(related("conduit", "conduir")).toBe(true);
    expect(related("encaiss", "encaissement")).toBe(true);
    // "-ification" / "-ifier": "vérification des livraisons" meets "vérifier la conformité d'une livraison".
    expect(related("verif", "verifi")).toBe(true);
    expect(related("planif", "planifi")).toBe(true);
    expect(related("part", "parti")).toBe(false);
    expect(related("confort", "conform")).toBe(false);
    expect(related("contrat", "control")).toBe(false);
    const f = new StemFamilies(["soud", "soudag", "soudur", "inter", "internet"]);
    expect(f.key("soudag")).toBe(f.key("soudur"));
    expect(f.key("inter")).not.toBe(f.key("internet"));
  });
});

describe("CVs read as CVs", () => {
  it("parses jobs with titles, employers, dates and tasks from text pasted from a PDF", () => {
    const text = `KARIM BENALI                                          SOUDEUR MIG / TIG
EXPÉRIENCES
Depuis 03/2019  Soudeur - Chaudronnerie de l'Est, Audincourt
- Soudage MIG et TIG de pièces en acier
Développeur web (alternance) — Agence Pixelweb, Lyon — sept. 2022 - août 2024
• Conception et intégration d'API REST
FORMATION                                         COMPÉTENCES
2012 CAP Réalisations industrielles en chaudronnerie`;
    const cv = parseCv(text, 2025);
    expect(
      cv.experiences.map((e) => ({
        title: e.title,
        employer: e.employer,
        start: e.start,
        end: e.end,
        current: e.current,
        tasks: e.tasks.map((t) => t.text),
      })),
    ).toEqual([
      {
        title: "Soudeur",
        employer: "Chaudronnerie de l'Est",
        start: 2019 + 2 / 12,
        end: null,
        current: true,
        tasks: ["- Soudage MIG et TIG de pièces en acier"],
      },
      {
        title: "Développeur web",
        employer: "Agence Pixelweb",
        start: 2022 + 8 / 12,
        end: 2024 + 7 / 12,
        current: false,
        tasks: ["• Conception et intégration d'API REST"],
      },
    ]);
    expect(cv.education.map((e) => [e.year, e.text])).toEqual([
      [2012, "2012 CAP Réalisations industrielles en chaudronnerie"],
    ]);
    expect(cv.headerSpans.some((s) => s.text.startsWith("KARIM BENALI"))).toBe(true);
  });

  it("weighs long and recent jobs more", () => {
    const w = experienceWeights(
      [
        { start: 2019, end: null, durationMonths: 60 },
        { start: 2010, end: 2012, durationMonths: 24 },
        { start: 2022, end: 2023, durationMonths: 6 },
      ],
      2025,
    );
    expect(w[0]).toBe(1);
    expect(w[1]!).toBeLessThan(w[2]!);
  });
});

describe("profiles resolve what people write", () => {
  it("resolves everyday labels and short forms, and counts savoirs", () => {
    const pm = new ProfileMatcher(engine.referential);
    const r = pm.match(
      { codes: [], labels: ["souder à l'arc", "permis B", "rigoureux", "meulage", "soudage MIG"] },
      { topK: 5 },
    );
    expect(r.resolution.unresolved).toEqual([]);
    const by = new Map(r.resolution.resolved.map((x) => [x.input, x]));
    expect(by.get("souder à l'arc")!.libelle).toMatch(/soud/i);
    expect(by.get("permis B")!.code).toBe("123456");
    expect(by.get("rigoureux")!.libelle).toBe("Faire preuve de rigueur et de précision");
    expect(r.profile.savoirs).toBeGreaterThanOrEqual(3);
  });
});
