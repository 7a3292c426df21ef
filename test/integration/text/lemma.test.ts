import { describe, expect, it } from "vitest";
import { isKnownWord, lemma, lemmas } from "../../../src/text/index.js";

describe("French lemmas (Lefff)", () => {
  it("folds plural and feminine nouns and adjectives onto the masculine singular", () => {
    expect(lemma("infirmières")).toBe("infirmier");
    expect(lemma("conductrices")).toBe("conducteur");
    expect(lemma("Développeuse")).toBe("developpeur");
    expect(lemma("vendeuses")).toBe("vendeur");
    expect(lemma("techniciennes")).toBe("technicien");
    expect(lemma("chevaux")).toBe("cheval");
    expect(lemma("assistante")).toBe("assistant");
    expect(lemma("soignantes")).toBe("soignant");
  });
  it("folds a feminine the Lefff lists as its own lemma only onto a masculine noun that exists", () => {
    expect(lemma("serveuses")).toBe("serveur");
    expect(lemma("manière")).toBe("maniere");
    expect(lemma("matières")).toBe("matiere");
  });
  it("puts verbs in the infinitive", () => {
    expect(lemma("gérez")).toBe("gerer");
    expect(lemma("assure")).toBe("assurer");
    expect(lemma("assuré")).not.toBe("assurer");
    expect(lemma("assurez")).toBe("assurer");
    expect(lemma("conduisent")).toBe("conduire");
  });
  it("keeps nouns that look like verb forms and unknown words", () => {
    expect(lemma("formation")).toBe("formation");
    expect(lemma("devis")).toBe("devis");
    expect(lemma("fullstack")).toBe("fullstack");
    expect(lemma("CACES")).toBe("caces");
    expect(lemma("35h")).toBe("35h");
    expect(isKnownWord("soudeuse")).toBe(true);
    expect(isKnownWord("kubernetes")).toBe(false);
  });
  it("lemmatises a text's content words, elisions split and stopwords out", () => {
    expect(lemmas("L’infirmière assure les soins des patientes")).toEqual(["infirmier", "assurer", "soin", "patient"]);
    expect(lemmas("")).toEqual([]);
  });
});
