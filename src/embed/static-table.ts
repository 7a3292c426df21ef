import { Tensor, type FeatureExtractionPipeline } from "@huggingface/transformers";
import { normalizeInPlace } from "./embedder.js";

/** A word's pieces as BERT's pre-tokeniser cuts them: runs without punctuation, and each punctuation mark alone. */
const PUNCTUATION = "\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E";
const PIECES = new RegExp(`[^${PUNCTUATION}]+|[${PUNCTUATION}]`, "gu");

/**
 * Pieces the tokenizer's BERT normaliser and pre-tokeniser leave as one word, lower-cased and without accents: Latin
 * letters (ASCII, Latin-1, œ) and digits. `WordPieceIds` reads them without the tokenizer's generic pipeline.
 */
const PLAIN = /^[0-9A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF\u0152\u0153]+$/;

/** Words `WordPieceIds` must encode as the tokenizer does before it is used: accents, ligatures, digits, OOV, long. */
const WORD_PROBES = [
  "développeuse",
  "Cœur",
  "ÉTÉ",
  "naïve",
  "Straße",
  "ÿ",
  "R489",
  "caces",
  "zzqxwv",
  "metier",
  "x".repeat(101),
  "anticonstitutionnellement",
];

/**
 * WordPiece (greedy longest match first, `##` continuations) of one `PLAIN` piece, as the tokenizer reads it after
 * its normaliser (lower case, accents stripped). New words cost ~20 µs each through `tokenizer.encode` (added-token
 * splits, normaliser, pre-tokeniser, post-processor for one word): the first match of an offer meets dozens.
 */
export class WordPieceIds {
  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly prefix: string,
    private readonly unk: number,
    private readonly maxChars: number,
  ) {}

  /** The tokenizer's WordPiece model, when it has the shape this reads (else null: the tokenizer is used). */
  static of(tokenizer: unknown): WordPieceIds | null {
    // transformers.js 4 keeps the tokenizer proper (normaliser, pre-tokeniser, model) behind `_tokenizer`.
    const inner = (tokenizer as { _tokenizer?: { model?: unknown } })._tokenizer;
    const model = (inner ?? (tokenizer as { model?: unknown })).model as
      | {
          tokens_to_ids?: unknown;
          unk_token_id?: unknown;
          max_input_chars_per_word?: unknown;
          config?: { type?: unknown; continuing_subword_prefix?: unknown };
        }
      | undefined;
    if (
      !model ||
      model.config?.type !== "WordPiece" ||
      !(model.tokens_to_ids instanceof Map) ||
      typeof model.unk_token_id !== "number" ||
      typeof model.max_input_chars_per_word !== "number" ||
      typeof model.config.continuing_subword_prefix !== "string"
    )
      return null;
    return new WordPieceIds(
      model.tokens_to_ids as Map<string, number>,
      model.config.continuing_subword_prefix,
      model.unk_token_id,
      model.max_input_chars_per_word,
    );
  }

  /** Token ids of a `PLAIN` piece; null for any other (the caller asks the tokenizer). */
  ids(piece: string): number[] | null {
    if (!PLAIN.test(piece)) return null;
    const lower = piece.toLowerCase();
    // Only letters beyond ASCII have accents to strip.
    const word = /^[0-9a-z]+$/.test(lower) ? lower : lower.normalize("NFD").replace(/\p{Mn}/gu, "");
    if (word.length > this.maxChars) return [this.unk];
    const out: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let id: number | undefined;
      for (; end > start; end--) {
        id = this.vocab.get(start > 0 ? this.prefix + word.slice(start, end) : word.slice(start, end));
        if (id !== undefined) break;
      }
      if (id === undefined) return [this.unk];
      out.push(id);
      start = end;
    }
    return out;
  }
}

/**
 * Fast path for static (zero-layer) embedding models such as the bundled rome-fr-static-256, whose ONNX graph
 * is `E[input_ids] · attention_mask`: the sentence vector is the normalised sum of the token rows. Running that
 * lookup through onnxruntime costs tensors, padding and a generic mean-pooling loop (~0.5 ms per short unit);
 * reading E once through the model itself and summing rows in JS gives the same vectors ~10× faster.
 * `TransformersEmbedder` only uses it after checking it reproduces the pipeline on probe texts.
 */
export class StaticTable {
  private readonly wordCache = new Map<string, readonly number[]>();
  /** Special tokens before and after the text ([CLS] … [SEP] for BERT): the pipeline counts their rows too. */
  private readonly prefix: readonly number[];
  private readonly suffix: readonly number[];
  /** Token ids of the text being embedded: a reused buffer, doubled when a text needs it (maxTokens can be huge). */
  private ids: Int32Array = new Int32Array(64);

  private constructor(
    private readonly pipe: FeatureExtractionPipeline,
    /** vocab × dimension, row-major. */
    private readonly table: Float32Array,
    readonly dimension: number,
    private readonly maxTokens: number,
  ) {
    const bare = pipe.tokenizer.encode("metier", { add_special_tokens: false });
    const full = pipe.tokenizer.encode("metier");
    const at = full.findIndex((_, i) => bare.every((id, j) => full[i + j] === id));
    if (bare.length === 0 || at < 0) throw new Error("cannot locate the special tokens the tokenizer adds");
    this.prefix = full.slice(0, at);
    this.suffix = full.slice(at + bare.length);
    // Words are cached by their pieces when the tokenizer splits punctuation off as BERT's does ("client," is
    // "client" then ","): far fewer distinct cache keys, so far fewer tokenizer calls on new text.
    const probe = "(l'équipe),h/f.";
    const joined = pipe.tokenizer.encode(probe, { add_special_tokens: false });
    const pieces = (probe.match(PIECES) ?? []).flatMap((x) => pipe.tokenizer.encode(x, { add_special_tokens: false }));
    this.byPieces = joined.length === pieces.length && joined.every((id, i) => id === pieces[i]);
    const wordPiece = WordPieceIds.of(pipe.tokenizer);
    const same = (a: readonly number[] | null, b: readonly number[]) =>
      a !== null && a.length === b.length && a.every((id, i) => id === b[i]);
    this.wordPiece =
      wordPiece &&
      WORD_PROBES.every((w) => same(wordPiece.ids(w), pipe.tokenizer.encode(w, { add_special_tokens: false })))
        ? wordPiece
        : null;
  }

  /** The tokenizer's WordPiece read directly for plain pieces (null: the tokenizer reads every word). */
  private readonly wordPiece: WordPieceIds | null;

  /** Whether `tokens` may look words up by their punctuation-separated pieces (see the constructor). */
  private readonly byPieces: boolean;

  /** Reads the token table by running the model on every vocabulary id (in rows short enough for any position limit). */
  static async read(
    pipe: FeatureExtractionPipeline,
    vocabSize: number,
    dimension: number,
    maxTokens: number,
  ): Promise<StaticTable> {
    const width = Math.min(256, maxTokens);
    const rows = Math.ceil(vocabSize / width);
    const ids = new BigInt64Array(rows * width);
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(i < vocabSize ? i : 0);
    const run = pipe.model as unknown as (
      inputs: Record<string, Tensor>,
    ) => Promise<Record<string, Tensor | undefined>>;
    const out = await run({
      input_ids: new Tensor("int64", ids, [rows, width]),
      attention_mask: new Tensor("int64", new BigInt64Array(rows * width).fill(1n), [rows, width]),
      token_type_ids: new Tensor("int64", new BigInt64Array(rows * width), [rows, width]),
    });
    const hidden = out.last_hidden_state;
    if (!hidden || hidden.dims.length !== 3 || hidden.dims[2] !== dimension)
      throw new Error("model output is not a [batch, tokens, dimension] last_hidden_state");
    const data = hidden.data as Float32Array;
    return new StaticTable(pipe, data.slice(0, vocabSize * dimension), dimension, maxTokens);
  }

  /** Unit-length vector of a text; the zero vector when no token has a non-zero row. */
  embed(text: string): Float32Array {
    let n = 0;
    // The pipeline keeps the first maxTokens of prefix + text + suffix (the suffix is cut first).
    let room = this.maxTokens;
    let truncated = false;
    for (const id of this.prefix) if (room-- > 0) n = this.put(n, id);
    words: for (const word of text.split(/[ \t\n\r]+/)) {
      if (!word) continue;
      for (const id of this.tokens(word)) {
        if (room-- <= 0) {
          truncated = true;
          break words;
        }
        n = this.put(n, id);
      }
    }
    if (!truncated) for (const id of this.suffix) if (room-- > 0) n = this.put(n, id);
    return normalizeInPlace(this.sumRows(this.ids, n));
  }

  /** Writes token id `id` at position `n` of the buffer (doubling it when full); returns the next position. */
  private put(n: number, id: number): number {
    if (n === this.ids.length) {
      const grown = new Int32Array(2 * n);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[n] = id;
    return n + 1;
  }

  /**
   * Σ of the first `n` ids' rows. Eight dimensions at a time over all tokens, in local float64 sums: ~1.7× faster
   * than adding row after row into a Float32Array (each element read, widened, narrowed and stored per token), and
   * within a float32 rounding of it.
   */
  private sumRows(ids: Int32Array, n: number): Float32Array {
    const table = this.table;
    const dim = this.dimension;
    const v = new Float32Array(dim);
    let c = 0;
    for (; c + 8 <= dim; c += 8) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        s4 = 0,
        s5 = 0,
        s6 = 0,
        s7 = 0;
      for (let k = 0; k < n; k++) {
        const o = ids[k]! * dim + c;
        s0 += table[o]!;
        s1 += table[o + 1]!;
        s2 += table[o + 2]!;
        s3 += table[o + 3]!;
        s4 += table[o + 4]!;
        s5 += table[o + 5]!;
        s6 += table[o + 6]!;
        s7 += table[o + 7]!;
      }
      v[c] = s0;
      v[c + 1] = s1;
      v[c + 2] = s2;
      v[c + 3] = s3;
      v[c + 4] = s4;
      v[c + 5] = s5;
      v[c + 6] = s6;
      v[c + 7] = s7;
    }
    for (; c < dim; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += table[ids[k]! * dim + c]!;
      v[c] = s;
    }
    return v;
  }

  /**
   * Token ids of one ASCII-whitespace-delimited word, memoised. Exact: the tokenizer's normaliser works char by
   * char and its pre-tokeniser always splits at these spaces, so a text's tokens are its words' tokens in order.
   */
  private tokens(word: string): readonly number[] {
    let ids = this.wordCache.get(word);
    if (!ids) {
      const pieces = this.byPieces ? word.match(PIECES) : null;
      ids =
        pieces && pieces.length > 1
          ? pieces.flatMap((x) => this.tokens(x))
          : (this.wordPiece?.ids(word) ?? this.pipe.tokenizer.encode(word, { add_special_tokens: false }));
      if (this.wordCache.size >= 500_000) this.wordCache.clear();
      this.wordCache.set(word, ids);
    }
    return ids;
  }
}
