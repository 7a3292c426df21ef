import { describe, expect, it } from "vitest";
import { diplomaLevelOf, isDiplomaLabel, statedStems } from "../../../src/skills/stems.js";

describe("diplomaLevelOf", () => {
  it("reads the level tokens of diplomas", () => {
    expect(diplomaLevelOf("CAP Maçon")).toBe("cap");
    expect(diplomaLevelOf("BTS Négociation et digitalisation de la relation client")).toBe("bts");
    expect(diplomaLevelOf("Bac pro commerce")).toBe("bac pro");
    expect(diplomaLevelOf("Licence professionnelle métiers de l'informatique")).toBe("licence");
    expect(diplomaLevelOf("DUT Carrières juridiques")).toBe("but");
    expect(diplomaLevelOf("Titulaire d'un BUT Informatique")).toBe("but");
    expect(diplomaLevelOf("Diplôme d'État d'infirmier")).toBe("de");
    expect(diplomaLevelOf("Vous êtes Infirmier/ière diplômé(e) d'Etat")).toBe("de");
    expect(diplomaLevelOf("infirmières diplômées d'État")).toBe("de");
    expect(diplomaLevelOf("CAPa Jardinier paysagiste")).toBe("cap");
  });

  it("reads no level in a plain 'de x' or the noun 'but'", () => {
    // Each read "de" (or "but") before, so a statement naming a CAP dropped every savoir label with "de x".
    expect(diplomaLevelOf("Agent de service")).toBeNull();
    expect(diplomaLevelOf("Techniques de vente")).toBeNull();
    expect(diplomaLevelOf("Permis de conduire catégorie DE")).toBeNull();
    expect(diplomaLevelOf("Dans le but de produire une récolte")).toBeNull();
    expect(diplomaLevelOf("LE BUT DE LA MISSION")).toBeNull();
  });

  it("says which labels are diplomas", () => {
    expect(isDiplomaLabel("Diplôme d'Etat d'aide-soignant")).toBe(true);
    expect(isDiplomaLabel("CAP cuisine")).toBe(true);
    expect(isDiplomaLabel("Agent de sûreté aéroportuaire")).toBe(false);
    expect(isDiplomaLabel("Habilitation de l'architecte diplômé d'Etat à l'exercice de la maîtrise d'oeuvre")).toBe(
      false,
    );
  });
});

describe("statedStems", () => {
  it("reads 'cuire' as its noun 'cuisson', not as the stem of 'cuir' (leather)", () => {
    expect(statedStems("Cuire des pâtons")).toEqual(statedStems("cuisson pâtons"));
    expect(statedStems("cuisez")).toEqual(statedStems("cuisson"));
    expect(statedStems("cuir")).not.toEqual(statedStems("cuisson"));
  });
});
