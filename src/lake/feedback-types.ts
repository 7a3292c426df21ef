/** Shapes of the lake's feedback: verdicts on predicted codes, what they say of the predictions, offers they label. */
import type { DocumentKind } from "./types.js";

export type FeedbackVerdict = "right" | "wrong";

/**
 * A verdict on one ROME code for a stored document: `right` (the code fits it) or `wrong`, with the right code when
 * the caller knows it. Codes are fiche codes of the referential that answered (the API checks them).
 */
export interface FeedbackInput {
  documentId: string;
  code: string;
  verdict: FeedbackVerdict;
  correctCode?: string;
}

/** A stored verdict, with the prediction it judged as the lake held it then. */
export interface FeedbackRecord {
  id: number;
  documentId: string;
  kind: DocumentKind;
  code: string;
  verdict: FeedbackVerdict;
  correctCode: string | null;
  /** The right code this verdict names: `code` when right, `correctCode` when wrong (null when unknown). */
  answer: string | null;
  /** First predicted code of the document when judged (null: nothing was predicted). */
  topCode: string | null;
  /** 1-based rank of `code` among the document's predicted métiers (null: not among them). */
  codeRank: number | null;
  /** 1-based rank of `answer` among them (null: not among them, or no answer). */
  answerRank: number | null;
  romeVersion: string;
  model: string;
  createdAt: Date;
}

export interface FeedbackQuery {
  kind?: DocumentKind;
  /** Window on when the feedback was given. */
  from?: Date;
  to?: Date;
}

export interface RankAgreement {
  documents: number;
  top1: number;
  top3: number;
  top5: number;
  top10: number;
}

/**
 * What feedback says of the predictions (README "Feedback"): one verdict per (document, code) and one answer per
 * document, the latest given in the window.
 */
export interface FeedbackStats {
  feedback: number;
  documents: number;
  /** Judged codes by their rank in the prediction (null: a code the engine did not list), and the share right. */
  byRank: { rank: number | null; judged: number; right: number; precision: number }[];
  /** Documents whose right code is known: where it sat in the prediction, as `npm run eval` measures offers. */
  answers: RankAgreement & {
    byKind: Record<DocumentKind, RankAgreement>;
    byVersion: ({ romeVersion: string; model: string } & RankAgreement)[];
  };
  /** Most frequent (first predicted code → right code) pairs where they differ. */
  confusions: { predicted: string; answer: string; documents: number }[];
}

/** An offer whose right code feedback gives, in the LABELLED_OFFERS format (`readOffers`, France Travail's fields). */
export interface LabelledOffer {
  /** `source:externalId` of the document. */
  id: string;
  intitule: string | null;
  description: string;
  romeCode: string;
  dateCreation: string;
}
