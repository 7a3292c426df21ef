import { Tensor, type FeatureExtractionPipeline } from "@huggingface/transformers";
import { normalizeVector } from "./embedder.js";

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
  }

  /** Reads the token table by running the model on every vocabulary id (in rows short enough for any position limit). */
  static async read(pipe: FeatureExtractionPipeline, vocabSize: number, dimension: number, maxTokens: number): Promise<StaticTable> {
    const width = Math.min(256, maxTokens);
    const rows = Math.ceil(vocabSize / width);
    const ids = new BigInt64Array(rows * width);
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(i < vocabSize ? i : 0);
    const run = pipe.model as unknown as (inputs: Record<string, Tensor>) => Promise<Record<string, Tensor | undefined>>;
    const out = await run({
      input_ids: new Tensor("int64", ids, [rows, width]),
      attention_mask: new Tensor("int64", new BigInt64Array(rows * width).fill(1n), [rows, width]),
      token_type_ids: new Tensor("int64", new BigInt64Array(rows * width), [rows, width]),
    });
    const hidden = out.last_hidden_state;
    if (!hidden || hidden.dims.length !== 3 || hidden.dims[2] !== dimension) throw new Error("model output is not a [batch, tokens, dimension] last_hidden_state");
    const data = hidden.data as Float32Array;
    return new StaticTable(pipe, data.slice(0, vocabSize * dimension), dimension, maxTokens);
  }

  /** Unit-length vector of a text; the zero vector when no token has a non-zero row. */
  embed(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    // The pipeline keeps the first maxTokens of prefix + text + suffix (the suffix is cut first).
    let room = this.maxTokens;
    for (const id of this.prefix) if (room-- > 0) this.add(v, id);
    for (const word of text.split(/[ \t\n\r]+/)) {
      if (!word) continue;
      for (const id of this.tokens(word)) {
        if (room-- <= 0) return normalizeVector(v);
        this.add(v, id);
      }
    }
    for (const id of this.suffix) if (room-- > 0) this.add(v, id);
    return normalizeVector(v);
  }

  private add(v: Float32Array, id: number): void {
    const table = this.table;
    const dim = this.dimension;
    const o = id * dim;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      v[j]! += table[o + j]!;
      v[j + 1]! += table[o + j + 1]!;
      v[j + 2]! += table[o + j + 2]!;
      v[j + 3]! += table[o + j + 3]!;
    }
    for (; j < dim; j++) v[j]! += table[o + j]!;
  }

  /**
   * Token ids of one ASCII-whitespace-delimited word, memoised. Exact: the tokenizer's normaliser works char by
   * char and its pre-tokeniser always splits at these spaces, so a text's tokens are its words' tokens in order.
   */
  private tokens(word: string): readonly number[] {
    let ids = this.wordCache.get(word);
    if (!ids) {
      ids = this.pipe.tokenizer.encode(word, { add_special_tokens: false });
      if (this.wordCache.size >= 500_000) this.wordCache.clear();
      this.wordCache.set(word, ids);
    }
    return ids;
  }
}
