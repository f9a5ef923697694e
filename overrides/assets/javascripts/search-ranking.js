/*
 * Search ranking: the order of the search box's results, with no page or worker in it.
 *
 * Material for MkDocs' worker finds the sections that match and highlights them; this
 * file orders them. Material's own order has two faults that cost readers the answer
 * (README, "Search"): every query word is a prefix, so a rare completion outscores the
 * exact word ("ml" put "mlops" above "ML engineer"), and length normalisation is off, so a
 * long section that mentions every word once outranks the short one about them.
 *
 * The score is a weighted sum of per-field BM25 scores (BM25 as in Robertson and Zaragoza,
 * "The Probabilistic Relevance Framework: BM25 and Beyond", 2009; summing per field is the
 * simpler scheme that paper contrasts with BM25F): a section's heading says what it is
 * about, the page's tags are its author's keywords, the body is the evidence. Words are
 * runs of letters and digits, lower-cased, without stop words. A query word matches an
 * index word
 *   - exactly (strength 1),
 *   - by the same stem (lunr's Porter stemmer: "deploy" finds "deployment"), or
 *   - as a prefix, only for the last word of a query still being typed ("mlo" finds
 *     "mlops"; "ml " followed by more words does not).
 * The site's search separator (mkdocs.yml) is not used here: it folds word endings for
 * Material's prefix matching, and a stemmer fed folded words misses ("deplo" for "deploy").
 * The constants below were chosen on tests/quality/search/queries.yaml and are judged on
 * held-out queries written without seeing results (holdout.yaml, holdout-2.yaml).
 *
 * In the search worker (workers/ranked-search.js) this file defines one global,
 * SearchRanking; under Node (tests/javascript/) it is the module's export.
 */
((factory) => {
  const ranking = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = ranking;
  } else {
    globalThis.SearchRanking = ranking;
  }
})(() => {
  "use strict";

  const FIELDS = Object.freeze({ title: 4, tags: 1, text: 1 });
  // BM25's term-frequency saturation and length normalisation, the same for every field.
  const K1 = 0.5;
  const B = 0.6;
  const STEM = 0.8;
  const PREFIX = 0.5;
  // Shortest word that completes as a prefix: one letter would match a tenth of the words.
  const MIN_PREFIX = 2;

  const ENTITIES = Object.freeze({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " });

  /** Text of an index entry's HTML: tags dropped, the entities Material writes decoded. */
  function plainText(html) {
    return String(html ?? "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name) => ENTITIES[name]);
  }

  /** Words of a text: runs of letters and digits, lower-cased, stop words left out. */
  function tokenizer(isStopWord) {
    return (text) =>
      String(text ?? "")
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((word) => word && !isStopWord(word));
  }

  function counts(words) {
    const map = new Map();
    for (const w of words) map.set(w, (map.get(w) ?? 0) + 1);
    return map;
  }

  /**
   * Index the entries of Material's search index ({location, title, text, tags, boost}).
   * `stem` maps a word to its stem (without one, words match only exactly or as a prefix);
   * `isStopWord` says which words to leave out of pages and queries.
   */
  function createRanker(docs, { stem = (word) => word, isStopWord = () => false } = {}) {
    const words = tokenizer(isStopWord);
    const stems = new Map();
    const stemOf = (word) => {
      if (!stems.has(word)) stems.set(word, stem(word));
      return stems.get(word);
    };

    const entries = docs.map((doc) => {
      const fields = {
        title: words(plainText(doc.title)),
        tags: words((doc.tags ?? []).join(" ")),
        text: words(plainText(doc.text)),
      };
      const tf = {};
      const length = {};
      for (const name of Object.keys(FIELDS)) {
        tf[name] = counts(fields[name]);
        length[name] = fields[name].length;
      }
      return { location: doc.location, boost: doc.boost ?? 1, tf, length };
    });
    const average = {};
    for (const name of Object.keys(FIELDS)) {
      average[name] = entries.reduce((sum, e) => sum + e.length[name], 0) / entries.length || 1;
    }
    const vocabulary = new Set();
    for (const e of entries)
      for (const name of Object.keys(FIELDS)) for (const w of e.tf[name].keys()) vocabulary.add(w);
    const byLocation = new Map(entries.map((e) => [e.location, e]));

    /** Each distinct query word with the index words it matches and how strongly (0..1]. */
    function expand(query) {
      const terms = [...new Set(words(query))];
      const typing = !/\s$/.test(query);
      return terms.map((term, i) => {
        const prefix = typing && i === terms.length - 1 && term.length >= MIN_PREFIX;
        const root = stemOf(term);
        const matches = new Map();
        for (const word of vocabulary) {
          if (word === term) matches.set(word, 1);
          else if (stemOf(word) === root) matches.set(word, STEM);
          else if (prefix && word.startsWith(term)) matches.set(word, PREFIX);
        }
        return matches;
      });
    }

    /** How often an entry's field holds the query word, each match counted by its strength. */
    function frequency(entry, name, matches) {
      let tf = 0;
      for (const [word, strength] of matches) tf += strength * (entry.tf[name].get(word) ?? 0);
      return tf;
    }

    function matchesAny(entry, matches) {
      return Object.keys(FIELDS).some((name) => frequency(entry, name, matches) > 0);
    }

    /**
     * Scores for the given locations: a Map location -> score, 0 when no query word
     * matches (or the location is not in the index).
     */
    function score(query, locations) {
      const terms = expand(query);
      const n = entries.length;
      // A word's rarity comes from its exact and stem matches; the completions of a word
      // being typed count only when it has none, so typing a space does not reorder.
      const idf = terms.map((matches) => {
        const whole = new Map([...matches].filter(([, strength]) => strength > PREFIX));
        const df = entries.filter((e) => matchesAny(e, whole.size ? whole : matches)).length;
        return Math.log(1 + (n - df + 0.5) / (df + 0.5));
      });
      const result = new Map();
      for (const location of locations) {
        const entry = byLocation.get(location);
        let total = 0;
        if (entry) {
          terms.forEach((matches, i) => {
            for (const [name, weight] of Object.entries(FIELDS)) {
              const tf = frequency(entry, name, matches);
              if (!tf) continue;
              const norm = 1 - B + (B * entry.length[name]) / average[name];
              total += (weight * idf[i] * tf * (K1 + 1)) / (tf + K1 * norm);
            }
          });
          total *= entry.boost;
        }
        result.set(location, total);
      }
      return result;
    }

    return Object.freeze({ score });
  }

  /**
   * Material's search result ({items: [[item, ...], ...], suggest}) in our order: pages by
   * their best entry, entries within a page by score. The UI lists a page's own entry
   * first and folds the sections scoring below the first item under "N more on this page".
   * Sections that Material matched but no query word matches by the rules above (a prefix
   * of a word other than the last, say) are left out, and so are pages left with nothing
   * that matches; a page keeps its own entry, which heads its group, at score 0. When
   * nothing scores, Material's result is returned as it was.
   */
  function rerank(result, query, ranker) {
    const groups = result.items ?? [];
    const scores = ranker.score(
      query,
      groups.flatMap((group) => group.map((item) => item.location)),
    );
    if (![...scores.values()].some((s) => s > 0)) return result;
    const ranked = [];
    for (const group of groups) {
      const items = group
        .map((item) => ({ ...item, score: scores.get(item.location) ?? 0 }))
        .filter((item) => item.score > 0 || !item.location.includes("#"))
        .sort((a, b) => b.score - a.score);
      if (items.length && items[0].score > 0) ranked.push(items);
    }
    ranked.sort((a, b) => b[0].score - a[0].score);
    return { ...result, items: ranked };
  }

  return Object.freeze({ plainText, createRanker, rerank });
});
