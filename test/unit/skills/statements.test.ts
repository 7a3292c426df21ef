import { describe, expect, it } from "vitest";
import { labelHeads } from "../../../src/skills/heads.js";
import { headClause, statementUnits } from "../../../src/skills/units.js";
import { segment } from "../../../src/text/index.js";

const statements = (text: string) => statementUnits(segment(text), [], text);

describe("offer frames and the company's presentation", () => {
  it("reads a frame clause (reporting line, recruiting, experience asked, title line) for short forms only", () => {
    const text = [
      "Rattaché au Directeur technique, vous négociez les contrats.",
      "Gestionnaire sinistres H/F",
      "Une expérience significative sur un poste similaire est exigée.",
      "Vous assurez la facturation mensuelle.",
    ].join("\n");
    const st = statements(text);
    const frame = st.filter((s) => s.frame).map((s) => s.text);
    expect(frame).toEqual([
      "Rattaché au Directeur technique",
      "Gestionnaire sinistres H/F",
      "Une expérience significative sur un poste similaire est exigée.",
    ]);
    const open = st.filter((s) => !s.frame && !s.namedOnly).map((s) => s.text);
    expect(open).toEqual(["vous négociez les contrats", "Vous assurez la facturation mensuelle."]);
  });

  it("reads the lines before a missions heading as the company's (votes only), but a clause to 'vous' as the job's", () => {
    const text = [
      "Adopt', une marque de parfums et de cosmétiques.",
      "Vous coordonnez les équipes du magasin.",
      "",
      "Missions",
      "Accueil des clients",
    ].join("\n");
    const st = statements(text);
    expect(st.filter((s) => s.voteOnly).map((s) => s.text)).toEqual([
      "Adopt'",
      "une marque de parfums et de cosmétiques",
    ]);
    const job = st.filter((s) => !s.voteOnly);
    expect(job.map((s) => [s.text, s.section])).toEqual([
      ["Vous coordonnez les équipes du magasin.", "missions"],
      ["Accueil des clients", "missions"],
    ]);
  });

  it("reads the short items listed after 'nous recherchons …' in its sentence as the job's tasks", () => {
    const text =
      "Nous recherchons un boulanger H/F pour la fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson.\nNos boulangeries fabriquent du pain, des viennoiseries, pâtisseries.";
    const st = statements(text);
    expect(st.filter((s) => !s.voteOnly).map((s) => [s.text, s.section])).toEqual([
      ["pétrissage", "missions"],
      ["façonnage et cuisson", "missions"],
    ]);
    // The recruiting clause itself and the next sentence's items stay the company's.
    expect(st.filter((s) => s.voteOnly).map((s) => s.text)).toContain(
      "Nous recherchons un boulanger H/F pour la fabrication du pain et des viennoiseries",
    );
    expect(st.filter((s) => s.voteOnly).map((s) => s.text)).toContain("pâtisseries");
  });

  it("keeps the lines before a profile heading (no missions heading: they may be the missions)", () => {
    const st = statements("Vous effectuerez la traite.\n\nProfil\nAutonome");
    expect(st.some((s) => s.voteOnly)).toBe(false);
    expect(st[0]!.section).toBe("none");
  });
});

describe("label heads", () => {
  // Stand-in for the stem family key: the word itself, support verbs none.
  const key = (w: string) => (w === "realiser" || w === "effectuer" ? null : w);
  it("are a label's leading words, past support verbs and generic savoir heads", () => {
    expect(labelHeads("Eplucher des légumes et des fruits", key)).toEqual(["eplucher"]);
    expect(labelHeads("Accueillir, orienter, renseigner un public", key)).toEqual([
      "accueillir",
      "orienter",
      "renseigner",
    ]);
    expect(labelHeads("Développer et fidéliser la relation client", key)).toEqual(["developper", "fideliser"]);
    expect(labelHeads("Réaliser des agencements de chambres froides", key)).toEqual(["agencements"]);
    expect(labelHeads("Techniques de coulage du béton", key)).toEqual(["coulage"]);
    expect(labelHeads("Avoir le sens du service", key)).toEqual(["service"]);
    expect(labelHeads("Faire preuve de rigueur et de précision", key)).toEqual(["rigueur"]);
  });
});

describe("enumerations sharing a verb", () => {
  it("gives the first clause's verb to the clauses that start with their object, not to those with a verb", () => {
    const st = statements(
      [
        "Saisir des devis, des commandes, des factures",
        "Vous utilisez la pioche, le treuil",
        "Nettoyer et entretenir les bureaux, les sanitaires, vider les poubelles",
        "Boulangerie, pâtisserie, viennoiserie",
        "Le lundi est travaillé en rotation",
      ].join("\n"),
    );
    expect(st.map((s) => [s.text, s.verb])).toEqual([
      ["Saisir des devis", undefined],
      ["des commandes", "saisir"],
      ["des factures", "saisir"],
      ["Vous utilisez la pioche", undefined],
      ["le treuil", "utilisez"],
      ["Nettoyer et entretenir les bureaux", undefined],
      ["les sanitaires", "nettoyer entretenir"],
      ["vider les poubelles", undefined],
      ["Boulangerie", undefined],
      ["pâtisserie", undefined],
      ["viennoiserie", undefined],
      ["Le lundi est travaillé en rotation", undefined],
    ]);
    // Working days are boilerplate: read for short forms only.
    expect(st.at(-1)!.namedOnly).toBe(true);
  });
});

describe("the setting of the work", () => {
  it("is a frame when a clause opens with it ('en collaboration avec…', 'au sein de…') or names the control over it", () => {
    const st = statements(
      [
        "Vous disposez les produits dans les rayons, en collaboration avec votre manager.",
        "Au sein du DataLab, vous produisez des tableaux de bord.",
        "Vous assurez le suivi du stock, sous le contrôle du magasin.",
        "Vous travaillez en collaboration avec les équipes de production.",
      ].join("\n"),
    );
    expect(st.map((s) => [s.text, s.frame ?? false])).toEqual([
      ["Vous disposez les produits dans les rayons", false],
      ["en collaboration avec votre manager", true],
      ["Au sein du DataLab", true],
      ["vous produisez des tableaux de bord", false],
      ["Vous assurez le suivi du stock", false],
      ["sous le contrôle du magasin", true],
      // The same words after a clause's task are part of it.
      ["Vous travaillez en collaboration avec les équipes de production.", false],
    ]);
  });

  it("is a frame when a clause opens with an adjunct (manner, purpose, occasion), unless it speaks to the reader", () => {
    const st = statements(
      [
        "Vous préparez les commandes, selon les règles d'hygiène.",
        "Vous coordonnez les études, afin d'élaborer les budgets prévisionnels.",
        "En fonction des besoins clients, vous installez les équipements.",
        "Afin de garantir la qualité vous contrôlez les pièces.",
        "Vous intervenez sur les chantiers.",
      ].join("\n"),
    );
    expect(st.map((s) => [s.text, s.frame ?? false])).toEqual([
      ["Vous préparez les commandes", false],
      ["selon les règles d'hygiène", true],
      ["Vous coordonnez les études", false],
      ["afin d'élaborer les budgets prévisionnels", true],
      ["En fonction des besoins clients", true],
      ["vous installez les équipements", false],
      ["Afin de garantir la qualité vous contrôlez les pièces.", false],
      ["Vous intervenez sur les chantiers.", false],
    ]);
  });

  it("is a frame when it names the reporting line in inclusive writing ('Rattaché(e) à', 'rattaché-e au')", () => {
    const st = statements(
      [
        "Rattaché(e) au référent caisse",
        "Rattaché-e à la Direction des Systèmes d'Information",
        "Rattachée au chef",
      ].join("\n"),
    );
    expect(st.map((s) => s.frame ?? false)).toEqual([true, true, true]);
  });
});

describe("a key heading on its own line ('Contrat :')", () => {
  it("is the next line's section only: the requirements after it are read", () => {
    const st = statements(
      ["Contrat :", "Intérim", "- Détenir un Diplôme d'État de Docteur en Médecine", "Avantages :", "Mutuelle"].join(
        "\n",
      ),
    );
    expect(st.map((s) => [s.text, s.section, s.namedOnly ?? false])).toEqual([
      ["Intérim", "avantages", true],
      ["Détenir un Diplôme d'État de Docteur en Médecine", "none", false],
      ["Mutuelle", "avantages", true],
    ]);
  });
});

describe("pay", () => {
  it("a bonus line is boilerplate: read for short forms only", () => {
    const st = statements("Bonus en fonction des performances à en discuter.\nVous réalisez les retouches.");
    expect(st.map((s) => s.namedOnly ?? false)).toEqual([true, false]);
  });
});

describe("who is sought and who may apply", () => {
  it("a profile said to be sought is a frame; a post open to beginners is a negation, not a skill", () => {
    const st = statements(
      [
        "Profil de charcutier traiteur ou cuisinier recherché.",
        "Poste ouvert aux débutants avec ou sans formation agricole.",
        "Vous assurez la gestion et la diffusion des données de recherche.",
      ].join("\n"),
    );
    expect(st.map((s) => [s.text, s.frame ?? false])).toEqual([
      ["Profil de charcutier traiteur ou cuisinier recherché.", true],
      // "recherche" the noun (research) is no frame.
      ["Vous assurez la gestion et la diffusion des données de recherche.", false],
    ]);
  });
});

describe("interest and motivation", () => {
  it("are frames: 'passion pour…', 'motivé', 'goût pour…' state no skill", () => {
    const st = statements("Passion pour la cuisine traditionnelle\nMotivé et curieux\nGoût pour le travail manuel");
    expect(st.map((s) => s.frame)).toEqual([true, true, true]);
  });
});

describe("the company speaking of itself", () => {
  it("reads a line of 'nous' / 'nos valeurs' without a heading as the company's, not one to 'vous' or a task", () => {
    const st = statements(
      [
        "Nos valeurs de partage, d'écoute et de respect sont les fondations de la relation que nous entretenons avec nos clients.",
        "Vous accueillez nos clients en magasin.",
        "Conseiller nos clients sur les produits.",
      ].join("\n"),
    );
    expect(st.filter((s) => s.voteOnly).map((s) => s.text)).toEqual([
      "Nos valeurs de partage",
      "d'écoute et de respect sont les fondations de la relation que nous entretenons avec nos clients",
    ]);
    expect(st.filter((s) => !s.voteOnly).map((s) => s.text)).toEqual([
      "Vous accueillez nos clients en magasin.",
      "Conseiller nos clients sur les produits.",
    ]);
  });
});

describe("head clauses", () => {
  const head = (text: string) => headClause({ text, start: 10, end: 10 + text.length });

  it("cuts a statement at its first adjunct after two content words, offsets kept", () => {
    const text = "Vous gérez les plannings des techniciens dans une zone géographique définie";
    expect(head(text)).toEqual({ text: "Vous gérez les plannings des techniciens", start: 10, end: 50 });
    expect(head("Lire les plans de coffrage pour préparer votre zone d'intervention")?.text).toBe(
      "Lire les plans de coffrage",
    );
  });

  it("needs two content words before the adjunct and some after it; 'en' and 'sur' open no adjunct", () => {
    expect(head("Travailler avec les équipes")).toBeNull();
    expect(head("Vous préparez les commandes pour")).toBeNull();
    expect(head("Gestion des stocks sur logiciel WMS")).toBeNull();
    expect(head("Assurer la mise en œuvre des projets")).toBeNull();
  });
});

describe("headings the section list does not know", () => {
  it("drops a short line whose colon the segmenter cut off, and reads a line in capitals for short forms only", () => {
    const text = [
      "Vos missions principales seront :",
      "- Prise de rendez-vous",
      "MAINTENANCE ET SÉCURITÉ",
      "- Contrôler les extincteurs",
      "PERMIS B",
      "Gestion des stocks : réception et rangement",
    ].join("\n");
    const st = statements(text);
    expect(st.map((s) => s.text)).not.toContain("Vos missions principales seront");
    expect(st.filter((s) => s.namedOnly).map((s) => s.text)).toEqual(["MAINTENANCE ET SÉCURITÉ", "PERMIS B"]);
    const read = st.filter((s) => !s.namedOnly).map((s) => s.text);
    expect(read).toContain("Prise de rendez-vous");
    expect(read).toContain("Contrôler les extincteurs");
    expect(read.some((t) => t.includes("réception"))).toBe(true);
    expect(st.find((s) => s.text === "Prise de rendez-vous")?.section).toBe("missions");
  });
});

describe("dated lines", () => {
  it("reads a dated line that names a diploma whole, and a job header for short forms only", () => {
    const text = [
      "2016-2019 Agent de service hospitalier, Clinique du Parc",
      "Titre professionnel Agent de propreté et d'hygiène (2019)",
      "Formation",
      "2000 Diplôme d'État d'infirmier – IFSI de Lyon",
    ].join("\n");
    const st = statements(text);
    expect(st.filter((s) => s.namedOnly).map((s) => s.text)).toEqual([
      "2016-2019 Agent de service hospitalier, Clinique du Parc",
    ]);
    const read = st.filter((s) => !s.namedOnly).map((s) => s.text);
    expect(read).toContain("Titre professionnel Agent de propreté et d'hygiène (2019)");
    expect(read.some((t) => t.includes("Diplôme d'État d'infirmier"))).toBe(true);
  });

  it("knows the diplomas the level list knows: a BTS written out, a CAPa, a BUT written out", () => {
    const text = [
      "Formation",
      "2015 Brevet de technicien supérieur Assistant de manager – Lycée Ampère",
      "2012 CAPa Jardinier paysagiste – Lycée agricole de Montravel",
      "2020 Bachelor universitaire de technologie GEA – IUT de Lyon",
    ].join("\n");
    const read = statements(text).map((s) => s.text);
    expect(read.some((t) => t.startsWith("2015 Brevet de technicien supérieur"))).toBe(true);
    expect(read.some((t) => t.startsWith("2012 CAPa Jardinier"))).toBe(true);
    expect(read.some((t) => t.startsWith("2020 Bachelor universitaire de technologie"))).toBe(true);
  });
});
