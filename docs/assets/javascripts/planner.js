/*
 * Skill-gap planner (docs/roadmap/planner.md).
 *
 * Fills <div id="skill-planner"> with a rating form and a personal learning plan. Every
 * fact about skills, roles and resources comes from the JSON files the build publishes
 * under downloads/ (generated from data/*.yaml); nothing about them is written here.
 *
 * Privacy: the only requests are for this site's own downloads/*.json. Ratings live in
 * localStorage; export and import go through files the reader picks.
 *
 * Only the planner page loads it (front matter `extra_javascript`). Material runs it again
 * each time an instant navigation brings that page back, so it subscribes to document$
 * once, on first evaluation, and initialises the planner whenever the page is shown.
 */
(() => {
  "use strict";

  const CONTAINER_ID = "skill-planner";
  const FORMAT = "skill-gap-plan";
  const SCHEMA = 1;
  const MAX_IMPORT_BYTES = 1024 * 1024;

  // Rating scale, ids as they appear in saved state and in exported files.
  const LEVELS = [
    { id: "not-yet", label: "Not yet" },
    { id: "basics", label: "Basics" },
    { id: "working", label: "Working" },
    { id: "strong", label: "Strong" },
  ];
  const NEED_LABELS = ["not needed", "basics", "working", "strong"];
  // Starting point from skills.json's `transfers` field.
  const PREMARK = { yes: 2, partly: 1, no: 0 };
  const TARGET_ROLES = ["ml-engineer", "mlops-engineer", "hybrid-engineer"];
  const DEFAULT_ROLE = "ml-engineer";
  const DEFAULT_HOURS = 6;
  const MIN_HOURS = 1;
  const MAX_HOURS = 80;
  // Headings for the category ids the data uses; an unknown id still gets a readable heading.
  const CATEGORY_LABELS = {
    programming: "Programming",
    math: "Mathematics",
    "ml-concepts": "ML concepts",
    data: "Data",
    "mlops-deployment": "MLOps and deployment",
    "infrastructure-cloud": "Infrastructure and cloud",
    "soft-skills": "Soft skills",
  };

  /* ---- where the site lives ---------------------------------------------------------- */

  // This file is assets/javascripts/planner.js under the site root, so its own absolute
  // URL gives the root however deep the first page was. Material's __md_scope (the same
  // root, computed at first load) is the fallback.
  const siteRoot = (() => {
    const script = document.currentScript;
    if (script && script.src) return new URL("../../", script.src);
    if (typeof __md_scope !== "undefined") return new URL(__md_scope.href);
    return new URL("./", location.href);
  })();
  const STORAGE_KEY = `${siteRoot.pathname}.skill-planner`;

  /** A docs path (skills/mlops.md, projects/x.ipynb) as a site URL, by MkDocs' directory-URL rule. */
  function docUrl(path) {
    const route = path
      .replace(/(^|\/)(?:index|README)\.(?:md|ipynb)$/, "$1")
      .replace(/\.(?:md|ipynb)$/, "/");
    return new URL(route, siteRoot).pathname;
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

  function titleFromId(id) {
    const words = id.replace(/-/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function listText(items) {
    return items.map((x) => `“${x}”`).join(", ");
  }

  /* ---- data -------------------------------------------------------------------------- */

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

  function checkSkills(skills) {
    if (!Array.isArray(skills) || skills.length === 0) {
      throw new Error("downloads/skills.json holds no list of skills");
    }
    for (const s of skills) {
      const ok =
        s &&
        typeof s.id === "string" &&
        typeof s.name === "string" &&
        s.need &&
        typeof s.need === "object" &&
        typeof s.effort_hours === "number" &&
        typeof s.page === "string";
      if (!ok) throw new Error(`downloads/skills.json has an entry the planner cannot read (${JSON.stringify(s).slice(0, 80)})`);
    }
    return skills;
  }

  function loadData() {
    if (!dataPromise) {
      dataPromise = Promise.all(["skills", "resources", "roles"].map(fetchJson))
        .then(([skills, resources, roles]) => {
          checkSkills(skills);
          return {
            skills,
            skillsById: new Map(skills.map((s) => [s.id, s])),
            resourcesById: new Map((Array.isArray(resources) ? resources : []).map((r) => [r.id, r])),
            roleNames: new Map((Array.isArray(roles) ? roles : []).map((r) => [r.id, r.name])),
          };
        })
        .catch((error) => {
          dataPromise = null; // let the next page view try again
          throw error;
        });
    }
    return dataPromise;
  }

  /* ---- state ------------------------------------------------------------------------- */

  /*
   * State: { role, hours, ratings } where ratings maps skill id -> level index (0..3) for
   * the skills the reader rated; every other skill uses its pre-mark. Saved and exported
   * as { format, schema, role, hours_per_week, ratings: { id: level id } }.
   */

  function defaultState() {
    return { role: DEFAULT_ROLE, hours: DEFAULT_HOURS, ratings: {} };
  }

  function validHours(value) {
    return typeof value === "number" && Number.isFinite(value) && value >= MIN_HOURS && value <= MAX_HOURS;
  }

  function serialise(state) {
    const ratings = {};
    for (const [id, level] of Object.entries(state.ratings)) ratings[id] = LEVELS[level].id;
    return { format: FORMAT, schema: SCHEMA, role: state.role, hours_per_week: state.hours, ratings };
  }

  /**
   * Read saved or imported state against the current skills. Returns { state, problems }
   * where problems lists what was skipped, or { error } when the object is not planner
   * state at all (then nothing may change).
   */
  function parseState(raw, data, fallback) {
    const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
    if (!isObject(raw) || raw.format !== FORMAT || !isObject(raw.ratings)) {
      return {
        error:
          `This is not a planner export: the planner expects a JSON object with "format": "${FORMAT}", ` +
          `a "schema" number and a "ratings" object.`,
      };
    }
    if (!Number.isInteger(raw.schema) || raw.schema < 1) {
      return { error: `The file's "schema" is ${JSON.stringify(raw.schema)}; it must be a whole number such as ${SCHEMA}.` };
    }
    if (raw.schema > SCHEMA) {
      return {
        error: `The file was written by a newer planner (schema ${raw.schema}); this page reads schema ${SCHEMA}.`,
      };
    }
    const problems = [];
    const state = { role: fallback.role, hours: fallback.hours, ratings: {} };
    if (TARGET_ROLES.includes(raw.role)) state.role = raw.role;
    else if (raw.role !== undefined) {
      problems.push(`Unknown target role ${JSON.stringify(raw.role)}; kept ${data.roleNames.get(fallback.role) || fallback.role}.`);
    }
    if (validHours(raw.hours_per_week)) state.hours = raw.hours_per_week;
    else if (raw.hours_per_week !== undefined) {
      problems.push(
        `Hours per week ${JSON.stringify(raw.hours_per_week)} is not a number from ${MIN_HOURS} to ${MAX_HOURS}; kept ${fallback.hours}.`,
      );
    }
    const unknown = [];
    const invalid = [];
    for (const [id, value] of Object.entries(raw.ratings)) {
      const level = LEVELS.findIndex((l) => l.id === value);
      if (!data.skillsById.has(id)) unknown.push(id);
      else if (level < 0) invalid.push(`${id} (${JSON.stringify(value)})`);
      else state.ratings[id] = level;
    }
    if (unknown.length) {
      problems.push(`Skipped ratings for skills this version of the guide does not have: ${listText(unknown)}.`);
    }
    if (invalid.length) {
      problems.push(
        `Skipped ratings that are not one of ${LEVELS.map((l) => l.id).join(", ")}: ${invalid.join(", ")}.`,
      );
    }
    return { state, problems, kept: Object.keys(state.ratings).length };
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
        localStorage.setItem(STORAGE_KEY, JSON.stringify(serialise(state)));
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

  /* ---- the plan ---------------------------------------------------------------------- */

  function premark(skill) {
    return PREMARK[skill.transfers] ?? 0;
  }

  function ratingOf(skill, state) {
    return Object.hasOwn(state.ratings, skill.id) ? state.ratings[skill.id] : premark(skill);
  }

  /** Hours to close a gap: effort_hours is for reaching "working" (two levels), so half per level. */
  function gapHours(skill, gap) {
    return Math.ceil((skill.effort_hours * gap) / 2);
  }

  /**
   * Gaps in learning order. Repeatedly take, among the gaps whose prerequisites (direct or
   * further up the chain) are no longer gaps or are already planned, the one the role needs
   * most; ties go to the bigger gap, then to the order of the skills data.
   */
  function computePlan(data, state) {
    const role = state.role;
    const order = new Map(data.skills.map((s, i) => [s.id, i]));
    const gaps = new Map();
    for (const skill of data.skills) {
      const need = skill.need[role] ?? 0;
      const have = ratingOf(skill, state);
      if (need > have) {
        gaps.set(skill.id, { skill, need, have, gap: need - have, hours: gapHours(skill, need - have) });
      }
    }
    const ancestorsOf = (id) => {
      const seen = new Set();
      const stack = [...(data.skillsById.get(id)?.prerequisites || [])];
      while (stack.length) {
        const next = stack.pop();
        if (seen.has(next) || next === id) continue;
        seen.add(next);
        stack.push(...(data.skillsById.get(next)?.prerequisites || []));
      }
      return seen;
    };
    const waitsFor = new Map([...gaps.keys()].map((id) => [id, [...ancestorsOf(id)].filter((a) => gaps.has(a))]));
    const better = (a, b) =>
      a.need !== b.need ? a.need > b.need : a.gap !== b.gap ? a.gap > b.gap : order.get(a.skill.id) < order.get(b.skill.id);

    const steps = [];
    const placed = new Map(); // id -> step number
    while (steps.length < gaps.size) {
      let best = null;
      for (const [id, item] of gaps) {
        if (placed.has(id) || !waitsFor.get(id).every((a) => placed.has(a))) continue;
        if (!best || better(item, best)) best = item;
      }
      if (!best) break; // a prerequisite cycle; the build's data check rules this out
      placed.set(best.skill.id, steps.length + 1);
      steps.push(best);
    }
    const total = steps.reduce((sum, item) => sum + item.hours, 0);
    return { steps, placed, total, weeks: Math.ceil(total / state.hours) };
  }

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
      this.state = defaultState();
      this.fields = new Map(); // skill id -> { fieldset, badge, need, inputs }
    }

    start() {
      const notes = [];
      const saved = storage.read();
      if (saved) {
        const parsed = parseState(saved, this.data, defaultState());
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
      return this.data.roleNames.get(id) || titleFromId(id);
    }

    /* -- building the form -- */

    render() {
      const roleSelect = h(
        "select",
        { id: "planner-role", onchange: (e) => this.setRole(e.target.value) },
        TARGET_ROLES.map((id) => h("option", { value: id, text: this.roleName(id) })),
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
      this.hoursHint = h("span", { id: "planner-hours-hint", class: "planner-hint" }, `${MIN_HOURS} to ${MAX_HOURS}`);

      const settings = h(
        "div",
        { class: "planner-settings" },
        h("div", { class: "planner-field" }, h("label", { for: "planner-role", text: "Target role" }), roleSelect),
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

      const premarked = this.data.skills.filter((s) => premark(s) > 0).length;
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
      const groups = new Map();
      for (const skill of this.data.skills) {
        if (!groups.has(skill.category)) groups.set(skill.category, []);
        groups.get(skill.category).push(skill);
      }
      return [...groups].map(([category, skills]) =>
        h(
          "div",
          // --planner-items sizes the category's placeholder while it is off screen (planner.css).
          { class: "planner-category", "data-category": category, style: `--planner-items: ${skills.length}` },
          h("h3", { text: CATEGORY_LABELS[category] || titleFromId(String(category)) }),
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
      if (!TARGET_ROLES.includes(role)) return;
      this.state.role = role;
      this.update();
    }

    setHours(input) {
      const value = input.valueAsNumber;
      if (!validHours(value)) {
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
      this.state = defaultState();
      this.update({ save: false });
      this.say("info", "Ratings cleared", [
        "Your ratings, role and hours were removed from this browser; the form is back at its starting point.",
      ]);
    }

    exportFile() {
      const payload = { ...serialise(this.state), exported: new Date().toISOString() };
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
      const file = input.files && input.files[0];
      input.value = ""; // picking the same file again still fires change
      if (!file) return;
      const refuse = (reason) =>
        this.say("failure", "Nothing was imported", [`${file.name}: ${reason}`, "Your ratings have not changed."]);
      if (file.size > MAX_IMPORT_BYTES) return refuse("the file is too large to be a planner export.");
      let raw;
      try {
        raw = JSON.parse(await file.text());
      } catch (error) {
        return refuse(`the file is not valid JSON (${error.message}).`);
      }
      const parsed = parseState(raw, this.data, this.state);
      if (parsed.error) return refuse(parsed.error);
      this.state = parsed.state;
      this.update();
      const done = `Imported ${parsed.kept} rating${parsed.kept === 1 ? "" : "s"}, the target role and hours per week from ${file.name}.`;
      if (parsed.problems.length) this.say("warning", "Imported, with some entries skipped", [done, ...parsed.problems]);
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
        const level = ratingOf(skill, state);
        field.inputs.forEach((input, index) => {
          input.checked = index === level;
        });
        const isPremarked = !Object.hasOwn(state.ratings, skill.id) && premark(skill) > 0;
        field.badge.hidden = !isPremarked;
        field.fieldset.classList.toggle("planner-skill--premarked", isPremarked);
        const need = skill.need[state.role] ?? 0;
        field.need.textContent = need
          ? `${roleName}: needs ${NEED_LABELS[need]}${need <= level ? " (met)" : ""}`
          : `${roleName}: not needed`;
        field.fieldset.classList.toggle("planner-skill--met", need <= level);
        field.fieldset.dataset.rating = LEVELS[level].id;
      }
      this.renderPlan(computePlan(this.data, state));
      if (save) this.save();
    }

    renderPlan(plan) {
      const { state } = this;
      const roleName = this.roleName(state.role);
      const hoursText = `${state.hours} hour${state.hours === 1 ? "" : "s"} a week`;
      this.printHeading.textContent = `Target role: ${roleName}. Pace: ${hoursText}.`;
      this.summary.dataset.totalHours = String(plan.total);
      this.summary.dataset.weeks = String(plan.weeks);
      this.summary.dataset.gaps = String(plan.steps.length);
      if (!plan.steps.length) {
        this.summary.textContent = `No gaps: your ratings meet everything the ${roleName} role needs in this guide.`;
        this.planList.replaceChildren();
        return;
      }
      this.summary.textContent =
        `${plan.steps.length} skill gap${plan.steps.length === 1 ? "" : "s"} for ${roleName}: ` +
        `about ${plan.total} hours, which at ${hoursText} is about ${plan.weeks} week${plan.weeks === 1 ? "" : "s"}.`;
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
      if (skill.snippets && skill.snippets.length) {
        details.push(
          h(
            "li",
            {},
            "Runnable snippets: ",
            skill.snippets.map((ref, i) => [
              i ? ", " : "",
              h("a", { href: pageUrl, title: "Shown on the page that teaches this skill" }, h("code", { text: ref })),
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
            h("a", { href: docUrl(`projects/${skill.project}.ipynb`), text: titleFromId(skill.project) }),
          ),
        );
      }
      const resources = (skill.resources || []).map((id) => this.data.resourcesById.get(id)).filter(Boolean);
      if (resources.length) {
        details.push(
          h(
            "li",
            {},
            "Resources: ",
            resources.map((r, i) => [i ? "; " : "", h("a", { href: r.url, rel: "noopener", text: r.title })]),
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
        h(
          "p",
          { class: "planner-step__gap" },
          `From ${LEVELS[item.have].label.toLowerCase()} to ${NEED_LABELS[item.need]} ` +
            `(${item.gap} level${item.gap === 1 ? "" : "s"}; ${skill.effort_hours} h to working level from scratch).`,
        ),
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
})();
