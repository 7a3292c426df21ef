import { describe, expect, it } from "vitest";
import { cleanTitle, cleanTitleWords, leadingTitleLine, titleParts } from "../../../src/text/index.js";

describe("job titles", () => {
  it("drop gender marks, contract words, amounts and urgency", () => {
    expect(cleanTitle("ASH H/F - URGENT - CDI")).toBe("agent de service hospitalier");
    expect(cleanTitle("Aide-soignant(e) H/F — 35h")).toBe("aide soignant");
    expect(cleanTitle("Directeur (trice) de camping F/H/X")).toBe("directeur de camping");
    expect(cleanTitle("Infirmier - 45K€/an brut")).toBe("infirmier");
    expect(cleanTitle("Développeur.se Python junior")).toBe("developpeur python");
  });
  it("write out abbreviations: 'dev' is a developer, not a quote (devis)", () => {
    expect(cleanTitle("dev fullstack js")).toBe("developpeur full stack javascript");
    expect(cleanTitle("AES de nuit")).toBe("accompagnant educatif et social de nuit");
    expect(cleanTitle("Chargé(e) de mission RH")).toBe("charge de mission ressources humaines");
    // Short acronyms that are French words only in capitals.
    expect(cleanTitle("AS de nuit")).toBe("aide soignant de nuit");
    expect(cleanTitle("Scrum Master")).toBe("scrum master");
  });
  it("keep IT stacks whole that an abbreviation or a noise word would take", () => {
    expect(cleanTitle("Développeur PL/SQL - (H/F)")).toBe("developpeur pl sql");
    expect(cleanTitle("Chauffeur PL H/F")).toBe("chauffeur poids lourd");
    expect(cleanTitle("Responsable AS/400")).toBe("responsable as400");
    expect(cleanTitle("Comptable 2500 € net")).toBe("comptable");
  });
  it("give English job words their French beside them", () => {
    expect(cleanTitle("Sales manager")).toBe("sales commercial manager responsable");
    expect(cleanTitle("Full stack developer")).toBe("full stack developer developpeur");
    // Without them, for titles that are ROME appellations as written ("Data engineer").
    expect(cleanTitle("Data engineer (H/F)", false)).toBe("data engineer");
    expect(titleParts("ALTERNANCE - Data Engineer - Lyon", false)).toEqual(["data engineer", "lyon"]);
    // One cleaning says whether French was put beside an English word, as comparing both cleanings would.
    for (const t of ["Data engineer (H/F)", "Sales manager", "Infirmier de nuit", "dev fullstack js", "AS de nuit"]) {
      const w = cleanTitleWords(t);
      expect(w.text).toBe(cleanTitle(t));
      expect(w.english).toBe(cleanTitle(t) !== cleanTitle(t, false));
    }
    expect(cleanTitleWords("Data engineer (H/F)").english).toBe(true);
    expect(cleanTitleWords("Infirmier de nuit").english).toBe(false);
  });
  it("split parts on separators, dropping parts with no job word", () => {
    expect(titleParts("ALTERNANCE - Data Scientist H/F")).toEqual(["data donnees scientist scientifique"]);
    expect(titleParts("Tech Lead Java - Services Financiers | Paris")).toEqual([
      "tech lead java",
      "services financiers",
      "paris",
    ]);
  });
  it("read a text's first line as a title when it is short and not a sentence", () => {
    expect(leadingTitleLine("\n Technicien de maintenance H/F\nVous assurez la maintenance.")).toBe(
      "Technicien de maintenance H/F",
    );
    expect(leadingTitleLine("Nous recherchons un technicien. Il assure la maintenance.")).toBeNull();
    expect(leadingTitleLine("")).toBeNull();
  });
});
