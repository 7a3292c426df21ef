/**
 * The `k` best of the first `count` of `docs` by `score[doc]`, best first, ties by smaller doc: a bounded min-heap
 * in an Int32Array, O(n log k), no allocation per candidate (the hot loop of every lexical search and of ranking).
 */
export function topK(docs: ArrayLike<number>, score: ArrayLike<number>, k: number, count = docs.length): number[] {
  const n = Math.min(count, docs.length);
  if (k <= 0 || n === 0) return [];
  const cap = Math.min(k, n);
  // heap[0] is the worst kept: the one with the lowest score, ties by larger doc.
  const heap = new Int32Array(cap);
  let size = 0;
  for (let c = 0; c < n; c++) {
    const d = docs[c]!;
    const s = score[d]!;
    if (size < cap) {
      // Sift up.
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const h = heap[p]!;
        const hs = score[h]!;
        if (!(s < hs || (s === hs && d > h))) break;
        heap[i] = h;
        i = p;
      }
      heap[i] = d;
      continue;
    }
    const top = heap[0]!;
    const ts = score[top]!;
    if (s < ts || (s === ts && d > top)) continue;
    // Replace the worst and sift down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let m = l;
      let md = heap[l]!;
      let ms = score[md]!;
      if (r < size) {
        const rd = heap[r]!;
        const rs = score[rd]!;
        if (rs < ms || (rs === ms && rd > md)) {
          m = r;
          md = rd;
          ms = rs;
        }
      }
      if (!(ms < s || (ms === s && md > d))) break;
      heap[i] = md;
      i = m;
    }
    heap[i] = d;
  }
  const out = Array.from(heap.subarray(0, size));
  return out.sort((a, b) => score[b]! - score[a]! || a - b);
}
