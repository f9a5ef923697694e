/*
 * The site's search worker: Material for MkDocs' own worker, with our ranking on top.
 *
 * Material's search UI talks to a web worker whose URL is in the page's configuration;
 * Material's source (setupSearchWorker, 9.8.1) says a site may provide its own, as long as
 * it speaks the same messages. The user documentation does not, so the build checks it.
 * overrides/main.html points that URL here with two parameters: Material's worker
 * (material=search.<hash>.min.js, so no hashed file name is copied into this repository)
 * and a digest of our two scripts (v).
 * scripts/pipeline/search_worker.py stops the build if a page loads any other worker.
 * (Material's iframe shim for file:// pages comes only with its offline plugin, which this
 * site does not use.)
 *
 * Material's worker still builds its index, matches, highlights and suggests. This file
 * keeps the entries the page sends at setup, indexes them for scoring
 * (../search-ranking.js), and re-orders each result Material's worker posts before the
 * page sees it. Messages: the page sends {type: 0, data: index} (setup) and
 * {type: 2, data: query}; the worker answers {type: 1} (ready) and {type: 3, data: result},
 * one result per query, in order.
 */
"use strict";

const SETUP = 0;
const QUERY = 2;
const RESULT = 3;
// lunr's English stop words leave these two in; as query words they say nothing.
const MORE_STOP_WORDS = new Set(["vs", "versus"]);

const params = new URL(self.location.href).searchParams;
const material = params.get("material");
if (!material) throw new Error("ranked-search.js: its URL names no ?material= worker to load");
// The digest of this file and the ranking's, so the pair is fetched and cached together.
const version = encodeURIComponent(params.get("v") ?? "");

let ranker = null;
const queries = [];

// Our ranking must never cost readers their search: where it fails, Material's own result
// is posted instead and the console says why (the browser tests fail on console errors).
function fallBack(what, error) {
  console.error(`ranked-search.js: ${what} failed, showing Material's order:`, error);
}

// Registered before Material's worker registers its own, so it sees each message first.
addEventListener("message", ({ data }) => {
  if (data.type === SETUP) {
    try {
      const { lunr } = self;
      ranker = SearchRanking.createRanker(data.data.docs, {
        stem: (word) => lunr.stemmer(new lunr.Token(word)).toString(),
        isStopWord: (word) => MORE_STOP_WORDS.has(word) || !lunr.stopWordFilter(new lunr.Token(word)),
      });
    } catch (error) {
      ranker = null;
      fallBack("indexing", error);
    }
  } else if (data.type === QUERY) {
    queries.push(data.data);
  }
});

const post = self.postMessage.bind(self);
self.postMessage = (message, ...transfer) => {
  if (message.type === RESULT && queries.length > 0) {
    const query = queries.shift();
    if (ranker !== null) {
      try {
        post({ ...message, data: SearchRanking.rerank(message.data, query, ranker) }, ...transfer);
        return;
      } catch (error) {
        fallBack(`ranking "${query}"`, error);
      }
    }
  }
  post(message, ...transfer);
};

importScripts(`../search-ranking.js?v=${version}`, material);
