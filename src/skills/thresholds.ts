/** Thresholds of stated-skill extraction (`POST /v1/skills/extract`), set on the dev half of the gold set. */
export const STATED = {
  /** Labels re-scored per statement (best label coverage first). */
  candidates: 12,
  /** Labels less covered than this are not candidates. */
  minCoverage: 0.2,
  /** Weight of the vector cosine; the rest is lexical (label coverage, lifted by how much of the statement it explains). */
  vectorWeight: 0.4,
  /** Weight of label coverage over statement coverage in the lexical evidence (an F-measure's β). */
  labelBeta: 2.5,
  /** Postings the label search walks per statement (rarest words first; see `scoreStatement`). */
  postingBudget: 2500,
  /** Taken off a reading whose fiches (when it tells any) are none of the text's domain. */
  offDomainPenalty: 0.05,
  /** Whether a label listing alternatives is covered by its best alternative. */
  alternatives: true,
  /** A one-word statement whose word is in more labels than this gets no reading from the open search. */
  genericWord: 50,
  /**
   * Whether a statement's head clause, before an adjunct ("…dans une zone géographique", "…pour préparer votre
   * zone"), is read too (see `headClause`) when the statement's best reading scores under `headClauseBelow`: each
   * label keeps the better of the two scores.
   */
  headClause: true,
  headClauseBelow: 0.7,
  /** Minimum score of a stated item. */
  minScore: 0.56,
  /**
   * A statement of at least this many words whose best reading leaves words of its own is read again without that
   * reading's words…
   */
  residual: 4,
  /** …and gives a second item scoring at least `minScore` + this, whose label's head words it states. */
  residualMargin: 0.05,
  /**
   * A statement with no reading at `minScore`: its readings down to this score that are compétences of one
   * macro-compétence (at least `mcMembers`) give that MC's best one, when its score + `mcFamilyWeight` × the others'
   * reaches `minScore`.
   */
  mcFloor: 0.45,
  mcMembers: 2,
  mcFamilyWeight: 0.2,
  /** A second item from one statement only when it scores within this of the first (and has another MC). */
  secondWithin: 0.04,
  /** Statements of more content words than this may give a second item. */
  longStatement: 8,
  /** Items listed by more fiches than this do not vote in the coherence pass. */
  tellingFiches: 60,
  /** Candidates kept per statement for the coherence pass: those within this of the statement's best… */
  coherenceMargin: 0.2,
  /** …re-scored with this bonus × how much the text's other statements point at a fiche that lists them. */
  coherenceBonus: 0.12,
  /** …and this bonus × the weight of a fiche the text is known to be about (`context`) that lists them. */
  contextBonus: 0.15,
  /** …and this bonus when a fiche of the text's domain holds their macro-compétence as coeur de métier (a tie-break). */
  coreBonus: 0.01,
  /**
   * Taken off a savoir's score when its label is met by words (not a short form): a statement of a task is more
   * often its compétence than the savoir of the same words ("Contrôle qualité des pièces").
   */
  savoirPenalty: 0.12,
  /** Weight of the other candidates of one macro-compétence when a statement's reading is chosen (label families). */
  familyWeight: 0.2,
  /** The text's domain: its most voted fiches, at most this many, each with at least this share of the top vote… */
  domainFiches: 3,
  domainShare: 0.4,
  /** …whose items are read against every statement down to this score (see `extractStated`). */
  domainMin: 0.4,
  /**
   * Taken off a label whose head words (see `labelHeads`) a statement of at most `headWords` words does not meet, in
   * the open search (the domain pass reads paraphrases).
   */
  headPenalty: 0.15,
  headWords: 2,
  /** Score of a savoir named by its short form ("permis B", "SAP") and of a savoir-être ("rigoureux"). */
  namedScore: 0.95,
  softScore: 0.85,
  /**
   * Soft readings (`softReading`, domain word vectors) of statements with no other reading: word cosines under
   * `softCosine` count 0, statements of more than `softWords` content words are not read, labels sharing
   * `softShared` words or more with the statement are left to the lexical search, and a reading scores at least
   * `softMin`.
   */
  softCosine: 0.5,
  softWords: 6,
  softShared: 2,
  softMin: 0.4,
  /**
   * Learned paraphrase readings (`paraphraseReading`, `npm run train:paraphrases`) of statements with no other
   * reading, items of the text's domain only: the noisy-or of P(item | statement word or word pair) at least this.
   */
  paraphraseMin: 0.4,
} as const;
