/*
 * The site's search worker: Material for MkDocs' own worker, with our ranking on top.
 *
 * Material's search UI talks to a web worker whose URL is in the page's configuration,
 * and Material documents that a site may supply its own. overrides/main.html points that
 * URL here and names Material's worker in the query string (?material=search.<hash>.min.js),
 * so no hashed file name is copied into this repository; scripts/pipeline/search_worker.py
 * stops the build if a page loads any other worker.
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

// Under Material's iframe shim for file:// pages, the worker runs as a <script> in a frame.
const script =
  typeof document === "undefined" ? null : document.querySelector("script[src*='ranked-search.js']");
const material = new URL(script ? script.src : self.location.href).searchParams.get("material");
if (!material) throw new Error("ranked-search.js: its URL names no ?material= worker to load");

let ranker = null;
const queries = [];

// Our ranking must never cost readers their search: if it fails, Material's own order is
// posted instead, and the console says why (the browser tests fail on console errors).
function fallBack(what, error) {
  ranker = null;
  console.error(`ranked-search.js: ${what} failed, showing Material's order:`, error);
}

// Registered before Material's worker registers its own, so it sees each message first.
addEventListener("message", ({ data }) => {
  if (data.type === SETUP) {
    try {
      const { lunr } = self;
      const stem = (word) => lunr.stemmer(new lunr.Token(word)).toString();
      ranker = SearchRanking.createRanker(data.data.docs, data.data.config, { stem });
    } catch (error) {
      fallBack("indexing", error);
    }
  } else if (data.type === QUERY) {
    queries.push(data.data);
  }
});

const post = self.postMessage.bind(self);
self.postMessage = (message) => {
  if (message.type === RESULT && queries.length > 0) {
    const query = queries.shift();
    if (ranker !== null) {
      try {
        post({ ...message, data: SearchRanking.rerank(message.data, query, ranker) });
        return;
      } catch (error) {
        fallBack(`ranking "${query}"`, error);
      }
    }
  }
  post(message);
};

importScripts("../search-ranking.js", material);
