/*
 * Skill-gap planner (docs/roadmap/planner.md): the page.
 *
 * Fills <div id="skill-planner"> with a rating form and a personal learning plan. The plan
 * itself (gaps, hours, weeks, order, reading saved files) is computed by planner-logic.js,
 * which the page loads first and which defines SkillPlannerLogic; this file fetches the
 * data, keeps the state, draws the form and the plan and reacts to the reader. Every fact
 * about skills, roles and resources comes from the JSON files the build publishes under
 * downloads/ (generated from data/*.yaml); nothing about them is written here.
 *
 * Privacy: the only requests are for this site's own downloads/*.json. Ratings live in
 * localStorage; export and import go through files the reader picks.
 *
 * Only the planner page loads it (front matter `extra_javascript`). Material runs it again
 * each time an instant navigation brings that page back, so it subscribes to document$
 * once, on first evaluation, and initialises the planner whenever the page is shown.
 */
((currentScript) => {
  "use strict";

  // planner-logic.js defines SkillPlannerLogic. On a full page load the deferred scripts
  // run in order, so it is there; after an instant navigation Material inserts both
  // scripts at once and either may run first, so wait for its event.
  if (globalThis.SkillPlannerLogic) main(globalThis.SkillPlannerLogic);
  else
    document.addEventListener("skill-planner-logic", () => main(globalThis.SkillPlannerLogic), {
      once: true,
    });

  function main(logic) {
    const CONTAINER_ID = "skill-planner";
    const MAX_IMPORT_BYTES = 1024 * 1024;
    const { LEVELS, MIN_HOURS, MAX_HOURS } = logic;

    /* ---- where the site lives ---------------------------------------------------------- */

    // This file is assets/javascripts/planner.js under the site root, so its own absolute
    // URL gives the root however deep the first page was. Material's __md_scope (the same
    // root, computed at first load) is the fallback.
    const siteRoot = (() => {
      const script = currentScript;
      if (script?.src) return new URL("../../", script.src);
      if (typeof __md_scope !== "undefined") return new URL(__md_scope.href);
      return new URL("./", location.href);
    })();
    const STORAGE_KEY = `${siteRoot.pathname}.skill-planner`;

    /** A docs path (skills/mlops.md, projects/x.ipynb) as a site URL, by MkDocs' directory-URL rule. */
    function docUrl(path) {
      return new URL(logic.docRoute(path), siteRoot).pathname;
    }

    /* ---- small DOM helper -------------------------------------------------------------- */

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

    /* ---- data and storage --------------------------------------------------------------- */

    let dataPromise = null;

    async function fetchJson(name) {
      const url = new URL(`downloads/${name}.json`, siteRoot);
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`${url.pathname} answered HTTP ${response.status}`);
      try {
        return await response.json();
      } catch {
        throw new Error(`${url.pathname} is not valid JSON`);
      }
    }

    function loadData() {
      if (!dataPromise) {
        dataPromise = Promise.all(["skills", "resources", "planner"].map(fetchJson))
          .then(([skills, resources, settings]) => logic.prepareData(skills, resources, settings))
          .catch((error) => {
            dataPromise = null; // let the next page view try again
            throw error;
          });
      }
      return dataPromise;
    }

    const storage = {
      read() {
        try {
          const text = localStorage.getItem(STORAGE_KEY);
          return text === null ? null : JSON.parse(text);
        } catch {
          return undefined; // unreadable: treated like nothing saved
        }
      },
      write(state) {
        try {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(logic.serialise(state)));
          return true;
        } catch {
          return false;
        }
      },
      clear() {
        try {
          localStorage.removeItem(STORAGE_KEY);
        } catch {
          /* nothing to clear */
        }
      },
    };

    /* ---- the page ---------------------------------------------------------------------- */

    function message(kind, title, lines) {
      return h(
        "div",
        { class: `admonition ${kind} planner-message`, "data-kind": kind },
        h("p", { class: "admonition-title", text: title }),
        ...(lines || []).map((line) => h("p", { text: line })),
      );
    }

    function showLoadError(container, error) {
      container.replaceChildren(
        message("failure", "The planner could not load the skills data", [
          `Reason: ${error.message}.`,
          "Reload the page to try again. The skills matrix lists the same skills and what each role needs.",
        ]),
      );
      container.lastChild.append(
        h("p", {}, h("a", { href: docUrl("skills/index.md") }, "Open the skills matrix")),
      );
      container.setAttribute("aria-busy", "false");
    }

    class Planner {
      constructor(container, data) {
        this.container = container;
        this.data = data;
        this.state = logic.defaultState(data);
        this.fields = new Map(); // skill id -> { fieldset, badge, need, inputs }
      }

      start() {
        const notes = [];
        const saved = storage.read();
        if (saved) {
          const parsed = logic.parseState(saved, this.data, logic.defaultState(this.data));
          if (parsed.error) notes.push("Saved ratings from an older or damaged format were ignored.");
          else {
            this.state = parsed.state;
            notes.push(...parsed.problems);
          }
        }
        this.render();
        if (notes.length) this.say("warning", "Some saved data was set aside", notes);
        // Save straight away only when something was dropped, so the note shows once.
        this.update({ save: notes.length > 0 });
      }

      save() {
        if (!storage.write(this.state)) {
          this.say("warning", "Ratings are not being saved", [
            "This browser does not let the page use local storage, so your ratings last only until you leave the page. Export them to keep them.",
          ]);
        }
      }

      say(kind, title, lines) {
        this.messages.replaceChildren(message(kind, title, lines));
      }

      roleName(id) {
        return logic.roleName(this.data, id);
      }

      /* -- building the form -- */

      render() {
        const roleSelect = h(
          "select",
          { id: "planner-role", onchange: (e) => this.setRole(e.target.value) },
          this.data.targetRoles.map((id) => h("option", { value: id, text: this.roleName(id) })),
        );
        const hoursInput = h("input", {
          id: "planner-hours",
          type: "number",
          inputmode: "decimal",
          min: MIN_HOURS,
          max: MAX_HOURS,
          step: "0.5",
          "aria-describedby": "planner-hours-hint",
          oninput: (e) => this.setHours(e.target),
        });
        const fileInput = h("input", {
          type: "file",
          id: "planner-import-file",
          accept: ".json,application/json",
          class: "planner-visually-hidden",
          tabindex: "-1",
          "aria-hidden": "true",
          onchange: (e) => this.importFile(e.target),
        });
        this.roleSelect = roleSelect;
        this.hoursInput = hoursInput;
        this.hoursHint = h(
          "span",
          { id: "planner-hours-hint", class: "planner-hint" },
          `${MIN_HOURS} to ${MAX_HOURS}`,
        );

        const settings = h(
          "div",
          { class: "planner-settings" },
          h(
            "div",
            { class: "planner-field" },
            h("label", { for: "planner-role", text: "Target role" }),
            roleSelect,
          ),
          h(
            "div",
            { class: "planner-field" },
            h("label", { for: "planner-hours", text: "Hours per week" }),
            hoursInput,
            this.hoursHint,
          ),
        );
        const button = (text, attrs) => h("button", { type: "button", class: "md-button", ...attrs }, text);
        const toolbar = h(
          "div",
          { class: "planner-toolbar", role: "group", "aria-label": "Save, restore and print" },
          button("Export to a file", { id: "planner-export", onclick: () => this.exportFile() }),
          button("Import from a file", { id: "planner-import", onclick: () => fileInput.click() }),
          fileInput,
          button("Print the plan", { id: "planner-print", onclick: () => window.print() }),
          button("Clear my ratings", { id: "planner-clear", onclick: () => this.clear() }),
        );
        this.messages = h("div", { class: "planner-messages", role: "status", "aria-live": "polite" });

        const premarked = this.data.skills.filter((s) => logic.premark(this.data, s) > 0).length;
        const ratings = h(
          "section",
          { class: "planner-ratings", "aria-labelledby": "planner-ratings-title" },
          h("h2", { id: "planner-ratings-title", text: "Rate yourself" }),
          h(
            "p",
            { class: "planner-intro" },
            `${premarked} of ${this.data.skills.length} skills start `,
            h("span", { class: "planner-badge", text: "pre-marked" }),
            " because backend work usually builds them (“working” where it does, “basics” where it partly does). " +
              "Change any rating that does not fit you, or click a pre-marked level to confirm it; the badge then goes.",
          ),
          this.renderCategories(),
        );

        this.summary = h("p", { id: "planner-summary", class: "planner-summary", "aria-live": "polite" });
        this.planList = h("ol", { class: "planner-steps", id: "planner-steps" });
        this.printHeading = h("p", { class: "planner-print-only" });
        const plan = h(
          "section",
          { class: "planner-plan", "aria-labelledby": "planner-plan-title" },
          h("h2", { id: "planner-plan-title", text: "Your plan" }),
          this.printHeading,
          this.summary,
          this.planList,
        );

        this.container.replaceChildren(
          h(
            "section",
            { class: "planner-controls", "aria-label": "Planner settings" },
            settings,
            toolbar,
            this.messages,
          ),
          ratings,
          plan,
        );
        this.container.setAttribute("aria-busy", "false");
        this.container.dataset.ready = "true";
      }

      renderCategories() {
        return logic.skillsByCategory(this.data).map(([category, skills]) =>
          h(
            "div",
            // --planner-items sizes the category's placeholder while it is off screen (planner.css).
            {
              class: "planner-category",
              "data-category": category,
              style: `--planner-items: ${skills.length}`,
            },
            h("h3", { text: logic.categoryLabel(this.data, category) }),
            skills.map((skill) => this.renderSkill(skill)),
          ),
        );
      }

      renderSkill(skill) {
        const name = `planner-rating-${skill.id}`;
        const badge = h("span", { class: "planner-badge", text: "pre-marked" });
        const need = h("span", { class: "planner-need" });
        const inputs = LEVELS.map((level, index) =>
          h("input", {
            type: "radio",
            name,
            id: `${name}-${level.id}`,
            value: level.id,
            // click, not change: clicking the pre-marked level confirms it (no change event);
            // arrow keys in the group fire click as well.
            onclick: () => this.setRating(skill.id, index),
          }),
        );
        const fieldset = h(
          "fieldset",
          { class: "planner-skill", "data-skill-id": skill.id },
          h("legend", {}, h("span", { class: "planner-skill__name", text: skill.name }), " ", badge),
          h(
            "div",
            { class: "planner-levels" },
            LEVELS.map((level, index) =>
              h("label", { for: inputs[index].id, class: "planner-level" }, inputs[index], ` ${level.label}`),
            ),
          ),
          h(
            "p",
            { class: "planner-skill__meta" },
            need,
            " · ",
            h(
              "a",
              { href: docUrl(skill.page) },
              "read about it",
              h("span", { class: "planner-visually-hidden", text: `: ${skill.name}` }),
            ),
          ),
        );
        this.fields.set(skill.id, { fieldset, badge, need, inputs });
        return fieldset;
      }

      /* -- reacting -- */

      setRole(role) {
        if (!this.data.targetRoles.includes(role)) return;
        this.state.role = role;
        this.update();
      }

      setHours(input) {
        const value = input.valueAsNumber;
        if (!logic.validHours(value)) {
          input.setAttribute("aria-invalid", "true");
          this.hoursHint.textContent = `Enter a number from ${MIN_HOURS} to ${MAX_HOURS}; the plan uses ${this.state.hours}.`;
          return;
        }
        input.removeAttribute("aria-invalid");
        this.hoursHint.textContent = `${MIN_HOURS} to ${MAX_HOURS}`;
        this.state.hours = value;
        this.update({ syncHours: false });
      }

      setRating(id, level) {
        this.state.ratings[id] = level;
        this.update();
      }

      clear() {
        storage.clear();
        this.state = logic.defaultState(this.data);
        this.update({ save: false });
        this.say("info", "Ratings cleared", [
          "Your ratings, role and hours were removed from this browser; the form is back at its starting point.",
        ]);
      }

      exportFile() {
        const payload = { ...logic.serialise(this.state), exported: new Date().toISOString() };
        const blob = new Blob([`${JSON.stringify(payload, null, 2)}\n`], { type: "application/json" });
        const url = URL.createObjectURL(blob);
        const link = h("a", { href: url, download: "skill-gap-plan.json", hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        this.say("success", "Exported", [
          "Your browser is saving skill-gap-plan.json. It holds your target role, hours per week and the ratings you set yourself.",
        ]);
      }

      async importFile(input) {
        const file = input.files?.[0];
        input.value = ""; // picking the same file again still fires change
        if (!file) return;
        const refuse = (reason) =>
          this.say("failure", "Nothing was imported", [
            `${file.name}: ${reason}`,
            "Your ratings have not changed.",
          ]);
        if (file.size > MAX_IMPORT_BYTES) return refuse("the file is too large to be a planner export.");
        let raw;
        try {
          raw = JSON.parse(await file.text());
        } catch (error) {
          return refuse(`the file is not valid JSON (${error.message}).`);
        }
        const parsed = logic.parseState(raw, this.data, this.state);
        if (parsed.error) return refuse(parsed.error);
        this.state = parsed.state;
        this.update();
        const done = `Imported ${logic.plural(parsed.kept, "rating")}, the target role and hours per week from ${file.name}.`;
        if (parsed.problems.length)
          this.say("warning", "Imported, with some entries skipped", [done, ...parsed.problems]);
        else this.say("success", "Imported", [done]);
      }

      /* -- drawing the current state -- */

      update({ save = true, syncHours = true } = {}) {
        const { state } = this;
        this.roleSelect.value = state.role;
        if (syncHours) {
          this.hoursInput.value = String(state.hours);
          this.hoursInput.removeAttribute("aria-invalid");
        }
        const roleName = this.roleName(state.role);
        for (const skill of this.data.skills) {
          const field = this.fields.get(skill.id);
          const level = logic.ratingOf(this.data, skill, state);
          field.inputs.forEach((input, index) => {
            input.checked = index === level;
          });
          const premarked = logic.isPremarked(this.data, skill, state);
          field.badge.hidden = !premarked;
          field.fieldset.classList.toggle("planner-skill--premarked", premarked);
          const need = logic.needOf(skill, state.role);
          field.need.textContent = logic.needText(need, level, roleName);
          field.fieldset.classList.toggle("planner-skill--met", need <= level);
          field.fieldset.dataset.rating = LEVELS[level].id;
        }
        this.renderPlan(logic.computePlan(this.data, state));
        if (save) this.save();
      }

      renderPlan(plan) {
        const { state } = this;
        const roleName = this.roleName(state.role);
        this.printHeading.textContent = `Target role: ${roleName}. Pace: ${logic.hoursText(state.hours)}.`;
        this.summary.dataset.totalHours = String(plan.total);
        this.summary.dataset.weeks = String(plan.weeks);
        this.summary.dataset.gaps = String(plan.steps.length);
        this.summary.textContent = logic.summaryText(plan, roleName, state.hours);
        if (!plan.steps.length) {
          this.planList.replaceChildren();
          return;
        }
        // Sizes the list's placeholder while it is off screen (planner.css).
        this.planList.style.setProperty("--planner-items", String(plan.steps.length));
        this.planList.replaceChildren(...plan.steps.map((item) => this.renderStep(item, plan)));
      }

      renderStep(item, plan) {
        const { skill } = item;
        const pageUrl = docUrl(skill.page);
        const details = [];
        const prerequisites = (skill.prerequisites || []).filter((id) => this.data.skillsById.has(id));
        if (prerequisites.length) {
          details.push(
            h(
              "li",
              {},
              "Builds on: ",
              prerequisites.map((id, i) => {
                const pre = this.data.skillsById.get(id);
                const step = plan.placed.get(id);
                return [
                  i ? ", " : "",
                  h("a", { href: docUrl(pre.page), text: pre.name }),
                  step ? ` (step ${step})` : " (no gap)",
                ];
              }),
            ),
          );
        }
        if (skill.snippets?.length) {
          details.push(
            h(
              "li",
              {},
              "Runnable snippets: ",
              skill.snippets.map((ref, i) => [
                i ? ", " : "",
                h(
                  "a",
                  { href: pageUrl, title: "Shown on the page that teaches this skill" },
                  h("code", { text: ref }),
                ),
              ]),
            ),
          );
        }
        if (skill.project) {
          details.push(
            h(
              "li",
              {},
              "Project: ",
              h("a", {
                href: docUrl(`projects/${skill.project}.ipynb`),
                text: logic.titleFromId(skill.project),
              }),
            ),
          );
        }
        const resources = (skill.resources || [])
          .map((id) => this.data.resourcesById.get(id))
          .filter(Boolean);
        if (resources.length) {
          details.push(
            h(
              "li",
              {},
              "Resources: ",
              resources.map((r, i) => [
                i ? "; " : "",
                h("a", { href: r.url, rel: "noopener", text: r.title }),
              ]),
            ),
          );
        }
        return h(
          "li",
          { class: "planner-step", "data-skill-id": skill.id, "data-hours": item.hours },
          h(
            "p",
            { class: "planner-step__title" },
            h("a", { href: pageUrl }, h("strong", { text: skill.name })),
            " ",
            h("span", { class: "planner-step__hours", text: `${item.hours} h` }),
          ),
          h("p", { class: "planner-step__gap" }, logic.gapText(item)),
          details.length ? h("ul", { class: "planner-step__details" }, details) : null,
        );
      }
    }

    /* ---- start-up ---------------------------------------------------------------------- */

    function init() {
      const container = document.getElementById(CONTAINER_ID);
      // Already shown, or loading: an instant navigation can announce the page twice.
      if (!container || container.dataset.ready || container.getAttribute("aria-busy") === "true") return;
      container.setAttribute("aria-busy", "true");
      container.replaceChildren(h("p", { class: "planner-loading", text: "Loading the skills data…" }));
      loadData().then(
        (data) => {
          // The reader may have navigated on while the data loaded.
          if (!container.isConnected) return;
          try {
            new Planner(container, data).start();
          } catch (error) {
            showLoadError(container, error);
          }
        },
        (error) => {
          if (container.isConnected) showLoadError(container, error);
        },
      );
    }

    if (window.__skillPlannerStarted) return;
    window.__skillPlannerStarted = true;
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
})(document.currentScript);
