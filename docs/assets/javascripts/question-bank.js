/*
 * Interview question bank (docs/interviews/question-bank.md): the page.
 *
 * The whole bank is in the HTML (one table per topic, generated from data/questions.yaml);
 * with JavaScript off every question shows and this file changes nothing. With it on, it
 * fills <div id="question-bank-filter"> with a form (topic radios, difficulty checkboxes,
 * "print answer outlines", "Print this set", "Show all questions") and a live region that
 * announces how many questions show. It only hides and shows rows and topic sections; which
 * ones is decided by question-bank-logic.js (QuestionBankLogic), tested under Node.
 *
 * Printing (the button or the browser's own command) prints the rows the filter shows;
 * stylesheets/question-bank.css drops the site's chrome and the intro sections. With
 * "Print answer outlines" ticked, the closed outlines of the shown rows are opened for the
 * print and closed again after it; unticked, print drops the outline column.
 *
 * Only this page loads it (front matter `extra_javascript`). Material runs it again each
 * time an instant navigation brings the page back, so it sets itself up once, on first
 * evaluation, and initialises the filter whenever Material's document$ shows a page.
 */
(() => {
  "use strict";

  if (globalThis.QuestionBankLogic) main(globalThis.QuestionBankLogic);
  else
    document.addEventListener("question-bank-logic", () => main(globalThis.QuestionBankLogic), {
      once: true,
    });

  function main(logic) {
    const CONTAINER_ID = "question-bank-filter";
    const HIDDEN_BY_FILTER = "qbHidden"; // data-qb-hidden on what the filter hid

    function h(tag, attrs, ...children) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) continue;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
      for (const child of children.flat(Infinity)) {
        if (child === null || child === undefined || child === false) continue;
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
      return node;
    }

    /**
     * The article's top-level elements grouped by <h2>: [{ elements, rows }]. A group with
     * rows is a topic section; the others (the intro, "how to use") are not. Computed on
     * each change, because Material wraps tables in scroll containers after load.
     */
    function sections(article) {
      const groups = [{ elements: [], rows: [] }];
      for (const element of article.children) {
        if (element.tagName === "H2") groups.push({ elements: [], rows: [] });
        const group = groups[groups.length - 1];
        group.elements.push(element);
        for (const span of element.querySelectorAll(".qb-question")) group.rows.push(span.closest("tr"));
      }
      return groups;
    }

    function setHidden(element, hide) {
      if (hide) {
        if (!element.hidden) {
          element.hidden = true;
          element.dataset[HIDDEN_BY_FILTER] = "";
        }
      } else if (HIDDEN_BY_FILTER in element.dataset) {
        element.hidden = false;
        delete element.dataset[HIDDEN_BY_FILTER];
      }
    }

    /** Links to a heading of this page in the navigation (Material makes their hrefs absolute). */
    function tocLinks(id) {
      return [...document.querySelectorAll(".md-nav a.md-nav__link")].filter(
        (link) => link.hash === `#${id}` && link.pathname === location.pathname,
      );
    }

    function init() {
      const container = document.getElementById(CONTAINER_ID);
      if (!container || container.dataset.ready === "true") return;
      const article = container.closest("article") || container.closest(".md-typeset");
      if (!article) return;
      const spans = [...article.querySelectorAll(".qb-question")];
      let questions;
      try {
        questions = spans.map((span) => logic.readQuestion({ qbId: span.id, ...span.dataset }));
      } catch (error) {
        container.append(h("p", { class: "qb-error", text: `The filter is off: ${error.message}` }));
        return;
      }
      const rows = spans.map((span) => span.closest("tr"));
      const topics = logic.topicsOf(questions);

      const status = h("p", {
        id: "qb-status",
        class: "qb-status",
        role: "status",
        "aria-live": "polite",
        "aria-atomic": "true",
      });
      const printSummary = h("p", { class: "qb-print-summary", "aria-hidden": "true" });

      const radio = (value, label, count, checked) =>
        h(
          "label",
          { class: "qb-choice" },
          h("input", { type: "radio", name: "qb-topic", value, checked }),
          ` ${label} `,
          h("span", { class: "qb-count", text: `(${count})` }),
        );
      const topicSet = h(
        "fieldset",
        { class: "qb-topics" },
        h("legend", { text: "Topic" }),
        radio(logic.ALL, "All topics", questions.length, true),
        topics.map((t) => radio(t.id, t.label, t.count, false)),
      );
      const difficultySet = h(
        "fieldset",
        { class: "qb-difficulties" },
        h("legend", { text: "Difficulty" }),
        logic.DIFFICULTIES.map((d) =>
          h(
            "label",
            { class: "qb-choice" },
            h("input", { type: "checkbox", name: "qb-difficulty", value: d, checked: true }),
            ` ${d}`,
          ),
        ),
      );
      const outlines = h("input", { type: "checkbox", id: "qb-print-outlines", name: "qb-print-outlines" });
      const actions = h(
        "div",
        { class: "qb-actions" },
        h("label", { class: "qb-choice", for: "qb-print-outlines" }, outlines, " Print answer outlines"),
        h("button", {
          type: "button",
          id: "qb-print",
          class: "md-button md-button--primary",
          text: "Print this set",
          onclick: () => window.print(),
        }),
        h("button", { type: "reset", id: "qb-reset", class: "md-button", text: "Show all questions" }),
      );
      const form = h(
        "form",
        { class: "qb-form", "aria-label": "Filter the question bank", onsubmit: (e) => e.preventDefault() },
        topicSet,
        difficultySet,
        actions,
        status,
      );

      function currentFilter() {
        const topic = form.querySelector("input[name='qb-topic']:checked")?.value ?? logic.ALL;
        const difficulties = [...form.querySelectorAll("input[name='qb-difficulty']:checked")].map(
          (input) => input.value,
        );
        return logic.normaliseFilter({ topic, difficulties }, topics);
      }

      function update() {
        const filter = currentFilter();
        const result = logic.applyFilter(questions, filter);
        result.visible.forEach((show, i) => {
          if (rows[i]) setHidden(rows[i], !show); // a question outside a table row stays as is
        });
        for (const group of sections(article)) {
          if (group.rows.length === 0) {
            for (const element of group.elements) element.classList.add("qb-intro");
            continue;
          }
          const empty = group.rows.every((row) => row.hidden);
          for (const element of group.elements) setHidden(element, empty);
          // The table of contents (and its copy in the mobile menu) follows the sections.
          const id = group.elements[0].tagName === "H2" ? group.elements[0].id : "";
          if (!id) continue;
          for (const link of tocLinks(id)) setHidden(link.closest("li") || link, empty);
        }
        const text = logic.summaryText(result, filter, topics);
        status.textContent = text;
        printSummary.textContent = `Practice set: ${logic.describeFilter(filter, topics)}; ${logic.plural(result.shown, "question", "questions")}.`;
        container.dataset.shown = String(result.shown);
      }

      form.addEventListener("change", update);
      // A reset restores the checked states after the event; update once they are back.
      form.addEventListener("reset", () => setTimeout(update, 0));

      container.replaceChildren(form);
      container.after(printSummary);
      container.hidden = false;
      update();
      container.dataset.ready = "true";
    }

    /* ---- printing: the shown rows, with or without their outlines --------------------- */

    let opened = [];

    function beforePrint() {
      const container = document.getElementById(CONTAINER_ID);
      const article = container?.closest("article");
      if (!article || container.dataset.ready !== "true") return;
      const withOutlines = document.getElementById("qb-print-outlines")?.checked === true;
      article.classList.toggle("qb-print-no-outlines", !withOutlines);
      if (!withOutlines) return;
      opened = [...article.querySelectorAll("details.qb-outline:not([open])")].filter(
        (details) => !details.closest("tr")?.hidden,
      );
      for (const details of opened) details.open = true;
    }

    function afterPrint() {
      for (const details of opened) details.open = false;
      opened = [];
    }

    if (window.__questionBankStarted) return;
    window.__questionBankStarted = true;
    window.addEventListener("beforeprint", beforePrint);
    window.addEventListener("afterprint", afterPrint);
    const start = () => {
      if (typeof document$ !== "undefined" && typeof document$.subscribe === "function") {
        document$.subscribe(init); // Material: the page now and after every instant navigation
      } else {
        init(); // without Material's script: a plain page load
      }
    };
    // On a full page load this deferred script runs before Material's bundle defines
    // document$; both have run by DOMContentLoaded.
    if (typeof document$ !== "undefined") start();
    else document.addEventListener("DOMContentLoaded", start, { once: true });
  }
})();
