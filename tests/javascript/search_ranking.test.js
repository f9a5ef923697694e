// The search box's ranking (overrides/assets/javascripts/search-ranking.js) and the worker that
// applies it (overrides/assets/javascripts/workers/ranked-search.js), rule by rule, under Node's
// test runner. The documents are small and made up so each test shows one rule; the browser
// tests (tests/quality/search/) score the real site on the query set.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { describe, test } = require("node:test");
const ranking = require("../../overrides/assets/javascripts/search-ranking.js");

const JAVASCRIPTS = path.join(__dirname, "..", "..", "overrides", "assets", "javascripts");
// A few of lunr's English stop words, as the worker leaves them out.
const STOP_WORDS = new Set(["a", "an", "the", "what", "does", "do", "how", "i", "to", "of", "is"]);
const isStopWord = (word) => STOP_WORDS.has(word);
// Enough of Porter's stemmer for these tests: the endings the site's pages use most.
const stem = (word) => word.replace(/(able|ment|ing|ed|s)$/, "");

const doc = (location, title, text = "", extra = {}) => ({ location, title, text, ...extra });

/** Locations ordered by score, best first; those no query word matches are left out. */
function order(docs, query, options = { isStopWord }) {
  const ranker = ranking.createRanker(docs, options);
  const scores = ranker.score(
    query,
    docs.map((d) => d.location),
  );
  return [...scores]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([location]) => location);
}

// Filler so that "ml" is a common word and "mlops" a rare one, as on the real site.
const FILLER = Array.from({ length: 8 }, (_, i) =>
  doc(`page-${i}/`, `Page ${i}`, `ml systems and ml models, part ${i} of the ml guide`),
);

describe("matching words", () => {
  test("an exact word outranks a rare completion of it (the documented 'ml' → 'mlops' miss)", () => {
    const docs = [
      ...FILLER,
      doc("roles/mlops/", "MLOps engineer", "Runs pipelines."),
      doc("roles/ml/", "ML engineer", "Builds models."),
    ];
    assert.deepEqual(order(docs, "ml engineer").slice(0, 2), ["roles/ml/", "roles/mlops/"]);
    assert.equal(order(docs, "ml")[0], "roles/ml/");
  });

  test("only the last word of a query still being typed matches as a prefix", () => {
    const docs = [doc("a/", "MLOps", "pipelines"), doc("b/", "Engineer", "people")];
    assert.deepEqual(order(docs, "mlo"), ["a/"]);
    assert.deepEqual(order(docs, "mlo engineer"), ["b/"]);
    assert.deepEqual(order(docs, "mlo "), [], "a finished word (space typed after it) is not a prefix");
    assert.deepEqual(order(docs, "m"), [], "one letter completes nothing");
  });

  test("a word matches its stem's other forms when a stemmer is given, at a discount", () => {
    const docs = [doc("a/", "Transferable skills"), doc("b/", "Transfer pricing")];
    // A trailing space: "transfer" is a finished word, so no prefix match can stand in.
    assert.deepEqual(order(docs, "transfer ", { stem }), ["b/", "a/"], "the exact form comes first");
    assert.deepEqual(order(docs, "transfer "), ["b/"], "without a stemmer only the exact word");
  });

  test("endings are left to the stemmer: 'deploy' finds 'deployment' and 'deployed'", () => {
    // The site's search separator folds a final "y" for Material's prefix matching; a
    // stemmer fed "deplo" would meet nothing.
    const docs = [doc("a/", "Deployment checklist"), doc("b/", "Deployed models"), doc("c/", "Monitoring")];
    assert.deepEqual(order(docs, "deploy ", { stem }).sort(), ["a/", "b/"]);
  });

  test("a stem match outranks a mere completion of the word being typed", () => {
    const docs = [doc("a/", "Transferwise fees"), doc("b/", "Transferable skills")];
    assert.deepEqual(order(docs, "transfer", { stem }), ["b/", "a/"]);
  });

  test("typing a space after a word does not change how rare it counts", () => {
    // "ci" is rare as a word and common as a prefix ("city", "circle", ...); while it is
    // being typed its completions must not dilute its weight.
    const docs = [
      doc("a/", "CI gates", "ci"),
      ...Array.from({ length: 6 }, (_, i) => doc(`c${i}/`, `City ${i}`, "circle city civic")),
    ];
    const ranker = ranking.createRanker(docs, { isStopWord });
    const typing = ranker.score("ci", ["a/"]).get("a/");
    const finished = ranker.score("ci ", ["a/"]).get("a/");
    assert.ok(Math.abs(typing - finished) < 1e-9, `${typing} while typing, ${finished} after the space`);
  });

  test("stop words are not words, on pages or in queries", () => {
    const docs = [doc("a/", "What is drift"), doc("b/", "The model")];
    assert.deepEqual(order(docs, "what is the "), []);
    assert.deepEqual(order(docs, "what is drift "), ["a/"]);
  });

  test("markup and entities in titles and text are not words", () => {
    const docs = [doc("a/", "What is in <code>data/</code>", "<p>fish &amp; chips</p>")];
    const ranker = ranking.createRanker(docs);
    assert.equal(ranker.score("code", ["a/"]).get("a/"), 0);
    assert.ok(ranker.score("data", ["a/"]).get("a/") > 0);
    assert.equal(ranking.plainText("<p>fish &amp; chips &lt;3</p>").trim(), "fish & chips <3");
  });
});

describe("scoring", () => {
  test("a heading that names the query outranks body text that mentions it", () => {
    const docs = [
      doc("p/#a", "Serving latency", "Numbers about drift appear here."),
      doc("p/#b", "Data drift", "What changes and how to see it."),
    ];
    assert.deepEqual(order(docs, "drift"), ["p/#b", "p/#a"]);
  });

  test("a short section about the words outranks a long one that mentions them once", () => {
    const long = `${"unrelated words about other things ".repeat(40)} canary release`;
    const docs = [
      doc("p/#long", "Notes", long),
      doc("p/#short", "Notes", "A canary release sends some traffic."),
    ];
    assert.deepEqual(order(docs, "canary release"), ["p/#short", "p/#long"]);
  });

  test("matching more of the query beats repeating one word", () => {
    const docs = [
      doc("p/#one", "Notes", "model model model model model"),
      doc("p/#both", "Notes", "model registry"),
    ];
    assert.equal(order(docs, "model registry")[0], "p/#both");
  });

  test("a page's search boost (front matter) multiplies its entries' scores", () => {
    const docs = [doc("a/", "Drift", "x"), doc("b/", "Drift", "x", { boost: 2 })];
    const scores = ranking.createRanker(docs).score("drift", ["a/", "b/", "missing/"]);
    assert.ok(Math.abs(scores.get("b/") - 2 * scores.get("a/")) < 1e-9);
    assert.equal(scores.get("missing/"), 0);
  });
});

describe("re-ordering Material's result", () => {
  const docs = [
    doc("a/", "Monitoring", "Watch the service."),
    doc("a/#drift", "Data drift", "Inputs change."),
    doc("a/#alerts", "Alerts", "Pages at night."),
    doc("b/", "Drift detection", "PSI and KS tests for drift."),
    doc("b/#psi", "PSI", "A drift score."),
  ];
  const item = (location) => ({ ...docs.find((d) => d.location === location), score: 1, terms: {} });
  const material = {
    items: [
      [item("a/"), item("a/#alerts"), item("a/#drift")],
      [item("b/"), item("b/#psi")],
    ],
    suggest: ["drift"],
  };
  const ranker = ranking.createRanker(docs, { isStopWord });

  test("pages by their best entry, entries by score, unmatched sections dropped", () => {
    const result = ranking.rerank(material, "drift", ranker);
    const locations = result.items.map((group) => group.map((i) => i.location));
    assert.deepEqual(locations, [
      ["b/", "b/#psi"],
      ["a/#drift", "a/"],
    ]);
    assert.equal(result.items[1][1].score, 0, "a page keeps its own entry, as the group's heading");
    assert.deepEqual(result.suggest, ["drift"], "suggestions pass through");
    const scores = result.items.flat().map((i) => i.score);
    assert.ok(scores.every((s) => Number.isFinite(s)));
  });

  test("when no word scores, Material's result comes back unchanged", () => {
    assert.equal(ranking.rerank(material, "zzz", ranker), material);
    const empty = { items: [] };
    assert.equal(ranking.rerank(empty, "drift", ranker), empty);
  });
});

describe("the worker", () => {
  const WORKER = path.join(JAVASCRIPTS, "workers", "ranked-search.js");

  // Arrays made inside the worker's context have that context's Array prototype, so results
  // are copied out with Array.from before deepEqual compares them.
  /**
   * Run the worker as a browser would, with a stand-in for Material's worker: an async
   * handler, as Material's is, answering each query with answer(query). Returns
   * {send, posted, errors}; send resolves once every handler has run.
   */
  function start(url, answer) {
    const listeners = [];
    const posted = [];
    const errors = [];
    const context = {
      URL,
      console: { error: (...args) => errors.push(args.join(" ")) },
      addEventListener: (_type, fn) => listeners.push(fn),
      postMessage: (message) => posted.push(message),
      location: { href: url },
    };
    context.self = context;
    context.importScripts = (...urls) => {
      assert.deepEqual(urls, ["../search-ranking.js?v=ab12", "search.0123abcd.min.js"]);
      vm.runInContext(fs.readFileSync(path.join(JAVASCRIPTS, "search-ranking.js"), "utf8"), context);
      // Material's worker, reduced to its protocol: ready after setup, one result per query.
      context.lunr = {
        Token: class {
          constructor(s) {
            this.s = s;
          }
          toString() {
            return this.s;
          }
        },
        stemmer: (token) => token,
        stopWordFilter: (token) => (token.toString() === "the" ? undefined : token),
      };
      context.addEventListener("message", async ({ data }) => {
        const reply = await Promise.resolve(
          data.type === 0 ? { type: 1 } : { type: 3, data: answer(data.data) },
        );
        context.postMessage(reply);
      });
    };
    vm.createContext(context);
    vm.runInContext(fs.readFileSync(WORKER, "utf8"), context, { filename: WORKER });
    const send = async (data) => {
      await Promise.all(listeners.map((listener) => listener({ data })));
    };
    return { send, posted, errors };
  }

  const docs = [doc("a/", "Alerts", "Pages at night."), doc("b/", "Drift", "Inputs change.")];
  const item = (d, score) => ({ ...d, score, terms: {} });
  // Material's order for every query: Alerts first.
  const materialOrder = () => ({ items: [[item(docs[0], 9)], [item(docs[1], 1)]] });
  const url =
    "http://127.0.0.1/guide/assets/javascripts/workers/ranked-search.js?v=ab12&material=search.0123abcd.min.js";
  const firsts = (message) => Array.from(message.data.items, (group) => group[0].location);

  test("re-orders each result Material's worker posts, for the query it answers", async () => {
    const { send, posted, errors } = start(url, materialOrder);
    await send({ type: 0, data: { config: {}, docs, options: {} } });
    await send({ type: 2, data: "drift" });
    await send({ type: 2, data: "the alerts" });
    assert.deepEqual(
      posted.map((m) => m.type),
      [1, 3, 3],
    );
    assert.deepEqual(firsts(posted[1]), ["b/"]);
    assert.deepEqual(firsts(posted[2]), ["a/"]);
    assert.deepEqual(errors, []);
  });

  test("if indexing fails, Material's results are posted unchanged and the console says why", async () => {
    const { send, posted, errors } = start(url, materialOrder);
    await send({ type: 0, data: { config: {}, docs: null, options: {} } });
    await send({ type: 2, data: "drift" });
    assert.deepEqual(
      posted.map((m) => m.type),
      [1, 3],
    );
    assert.deepEqual(firsts(posted[1]), ["a/", "b/"], "Material's own order");
    assert.equal(errors.length, 1);
    assert.match(errors[0], /indexing failed, showing Material's order/);
  });

  test("a query our ranking fails on gets Material's order, and the next is ranked again", async () => {
    // A result with an item whose location is not a string (Material never sends one).
    const broken = { items: [[item(docs[1], 1), { score: 1, location: 42 }]] };
    let calls = 0;
    const { send, posted, errors } = start(url, () => (calls++ === 0 ? broken : materialOrder()));
    await send({ type: 0, data: { config: {}, docs, options: {} } });
    await send({ type: 2, data: "drift" });
    await send({ type: 2, data: "drift" });
    assert.equal(posted[1].data, broken, "Material's result as it was");
    assert.match(errors[0], /ranking "drift" failed/);
    assert.deepEqual(firsts(posted[2]), ["b/"]);
  });

  test("refuses to start when its URL names no Material worker", () => {
    assert.throws(
      () => start("http://127.0.0.1/guide/assets/javascripts/workers/ranked-search.js", materialOrder),
      /material/,
    );
  });
});
