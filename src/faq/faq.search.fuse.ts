/**
 * fuse.js token search, used to re-score a short candidate list (never the whole catalogue):
 * its bounded score is a steadier confidence signal than raw BM25 (fuse.js 7 token search: idf-weighted
 * share of the query's terms matched; calibrated on data/eval/dev.jsonl).
 * The only file that imports fuse.js.
 */
import Fuse from 'fuse.js';

export type FuseDoc = { entryId: string; text: string };

export type FuseRescorer = {
  /** Best similarity in [0, 1] of the query against each given entry's texts (1 = identical). */
  similarity(args: { query: string; entryIds: string[] }): Map<string, number>;
};

export function createFuseRescorer({ docs }: { docs: FuseDoc[] }): FuseRescorer {
  const byEntry = new Map<string, FuseDoc[]>();
  for (const doc of docs) {
    const list = byEntry.get(doc.entryId);
    if (list) list.push(doc);
    else byEntry.set(doc.entryId, [doc]);
  }
  const options = {
    keys: ['text'],
    includeScore: true,
    ignoreLocation: true,
    useTokenSearch: true,
    threshold: 0.4,
    // Two-letter syllables fuzzily match almost anything ("ks" vs every "ky"); require three.
    minMatchCharLength: 3,
  };
  // One small index per entry, built on first use: re-scoring touches only the candidates' questions.
  const indexes = new Map<string, Fuse<FuseDoc>>();
  const indexFor = (id: string) => {
    let index = indexes.get(id);
    if (!index) {
      index = new Fuse(byEntry.get(id) ?? [], options);
      indexes.set(id, index);
    }
    return index;
  };

  return {
    similarity({ query, entryIds }) {
      const result = new Map<string, number>();
      for (const id of entryIds) {
        const hits = indexFor(id).search(query, { limit: 1 });
        result.set(id, hits[0] ? 1 - (hits[0].score ?? 1) : 0);
      }
      return result;
    },
  };
}
