/*
 * Skill-gap planner: the plan itself, with no page, storage or network in it.
 *
 * Everything here is a pure function of the published data and the reader's state, so
 * tests/javascript/planner_logic.test.js runs it under Node (`node --test`) and planner.js
 * draws what it returns. In a browser this file defines one global, SkillPlannerLogic;
 * under Node it is the module's export. docs/roadmap/planner.md loads it before planner.js.
 *
 * Data (fetched by planner.js from the site's downloads/):
 *   skills.json     the skills, each with need (role id -> depth 0..3), transfers,
 *                   prerequisites, effort_hours, page, ...
 *   resources.json  the resources skills point at
 *   planner.json    what Python and JavaScript share, written once by
 *                   scripts/pipeline/knowledge_base/exports.py: target_roles [{id, name}],
 *                   categories [{id, label}] and start_depth (transfers value -> depth).
 */
((factory) => {
  const logic = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = logic;
  } else {
    globalThis.SkillPlannerLogic = logic;
    // Instant navigation inserts the page's scripts without waiting for each to load, so
    // planner.js may run first; it waits for this event then.
    document.dispatchEvent(new Event("skill-planner-logic"));
  }
})(() => {
  "use strict";

  const FORMAT = "skill-gap-plan";
  const SCHEMA = 1;

  // Rating scale, ids as they appear in saved state and in exported files. Its index is
  // the depth on the data's need scale (0..3).
  const LEVELS = Object.freeze([
    { id: "not-yet", label: "Not yet" },
    { id: "basics", label: "Basics" },
    { id: "working", label: "Working" },
    { id: "strong", label: "Strong" },
  ]);
  const NEED_LABELS = Object.freeze(["not needed", "basics", "working", "strong"]);
  const DEFAULT_HOURS = 6;
  const MIN_HOURS = 1;
  const MAX_HOURS = 80;

  const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  /* ---- text -------------------------------------------------------------------------- */

  function titleFromId(id) {
    const words = String(id).replace(/-/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function listText(items) {
    return items.map((x) => `“${x}”`).join(", ");
  }

  /** A docs path (skills/mlops.md, projects/x.ipynb) as a URL relative to the site root, by MkDocs' directory-URL rule. */
  function docRoute(path) {
    return path.replace(/(^|\/)(?:index|README)\.(?:md|ipynb)$/, "$1").replace(/\.(?:md|ipynb)$/, "/");
  }

  /* ---- data -------------------------------------------------------------------------- */

  function checkSkills(skills) {
    if (!Array.isArray(skills) || skills.length === 0) {
      throw new Error("downloads/skills.json holds no list of skills");
    }
    for (const s of skills) {
      const ok =
        isObject(s) &&
        typeof s.id === "string" &&
        typeof s.name === "string" &&
        isObject(s.need) &&
        typeof s.effort_hours === "number" &&
        typeof s.page === "string";
      if (!ok) {
        throw new Error(
          `downloads/skills.json has an entry the planner cannot read (${JSON.stringify(s).slice(0, 80)})`,
        );
      }
    }
    return skills;
  }

  function checkSettings(settings) {
    const named = (list, key) =>
      Array.isArray(list) &&
      list.length > 0 &&
      list.every((x) => isObject(x) && typeof x.id === "string" && typeof x[key] === "string");
    const depths =
      isObject(settings?.start_depth) &&
      Object.values(settings.start_depth).every((d) => Number.isInteger(d) && d >= 0 && d < LEVELS.length);
    if (
      !isObject(settings) ||
      !named(settings.target_roles, "name") ||
      !named(settings.categories, "label") ||
      !depths
    ) {
      throw new Error(
        "downloads/planner.json lacks target_roles [{id, name}], categories [{id, label}] or start_depth {transfers: 0-3}",
      );
    }
    return settings;
  }

  /** The fetched JSON as the planner uses it; throws an Error naming the file that cannot be read. */
  function prepareData(skills, resources, settings) {
    checkSkills(skills);
    checkSettings(settings);
    return {
      skills,
      skillsById: new Map(skills.map((s) => [s.id, s])),
      resourcesById: new Map((Array.isArray(resources) ? resources : []).map((r) => [r.id, r])),
      targetRoles: settings.target_roles.map((r) => r.id),
      roleNames: new Map(settings.target_roles.map((r) => [r.id, r.name])),
      categoryLabels: new Map(settings.categories.map((c) => [c.id, c.label])),
      startDepth: settings.start_depth,
    };
  }

  function roleName(data, id) {
    return data.roleNames.get(id) || titleFromId(id);
  }

  /** Heading for a category id; an id the data does not label still gets a readable one. */
  function categoryLabel(data, id) {
    return data.categoryLabels.get(id) || titleFromId(id);
  }

  /** Skills grouped by category: [[category id, skills]] in the order the data first names them. */
  function skillsByCategory(data) {
    const groups = new Map();
    for (const skill of data.skills) {
      if (!groups.has(skill.category)) groups.set(skill.category, []);
      groups.get(skill.category).push(skill);
    }
    return [...groups];
  }

  /* ---- state ------------------------------------------------------------------------- */

  /*
   * State: { role, hours, ratings } where ratings maps skill id -> level index (0..3) for
   * the skills the reader rated; every other skill uses its pre-mark. Saved and exported
   * as { format, schema, role, hours_per_week, ratings: { id: level id } }.
   */

  function defaultState(data) {
    return { role: data.targetRoles[0], hours: DEFAULT_HOURS, ratings: {} };
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
   * Read saved or imported state against the current skills. Returns { state, problems, kept }
   * where problems lists what was skipped, or { error } when the object is not planner
   * state at all (then nothing may change).
   */
  function parseState(raw, data, fallback) {
    if (!isObject(raw) || raw.format !== FORMAT || !isObject(raw.ratings)) {
      return {
        error:
          `This is not a planner export: the planner expects a JSON object with "format": "${FORMAT}", ` +
          `a "schema" number and a "ratings" object.`,
      };
    }
    if (!Number.isInteger(raw.schema) || raw.schema < 1) {
      return {
        error: `The file's "schema" is ${JSON.stringify(raw.schema)}; it must be a whole number such as ${SCHEMA}.`,
      };
    }
    if (raw.schema > SCHEMA) {
      return {
        error: `The file was written by a newer planner (schema ${raw.schema}); this page reads schema ${SCHEMA}.`,
      };
    }
    const problems = [];
    const state = { role: fallback.role, hours: fallback.hours, ratings: {} };
    if (data.targetRoles.includes(raw.role)) state.role = raw.role;
    else if (raw.role !== undefined) {
      problems.push(
        `Unknown target role ${JSON.stringify(raw.role)}; kept ${roleName(data, fallback.role)}.`,
      );
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
      problems.push(
        `Skipped ratings for skills this version of the guide does not have: ${listText(unknown)}.`,
      );
    }
    if (invalid.length) {
      problems.push(
        `Skipped ratings that are not one of ${LEVELS.map((l) => l.id).join(", ")}: ${invalid.join(", ")}.`,
      );
    }
    return { state, problems, kept: Object.keys(state.ratings).length };
  }

  /* ---- the plan ---------------------------------------------------------------------- */

  /** The starting rating the data suggests: backend work that builds a skill starts it higher. */
  function premark(data, skill) {
    return data.startDepth[skill.transfers] ?? 0;
  }

  function isPremarked(data, skill, state) {
    return !Object.hasOwn(state.ratings, skill.id) && premark(data, skill) > 0;
  }

  function ratingOf(data, skill, state) {
    return Object.hasOwn(state.ratings, skill.id) ? state.ratings[skill.id] : premark(data, skill);
  }

  function needOf(skill, role) {
    return skill.need[role] ?? 0;
  }

  /** Hours to close a gap: effort_hours is for reaching "working" (two levels), so half per level. */
  function gapHours(skill, gap) {
    return Math.ceil((skill.effort_hours * gap) / 2);
  }

  /**
   * Gaps in learning order. Repeatedly take, among the gaps whose prerequisites (direct or
   * further up the chain) are no longer gaps or are already planned, the one the role needs
   * most; ties go to the bigger gap, then to the order of the skills data.
   * Returns { steps: [{ skill, need, have, gap, hours }], placed: Map(id -> step number), total, weeks }.
   */
  function computePlan(data, state) {
    const order = new Map(data.skills.map((s, i) => [s.id, i]));
    const gaps = new Map();
    for (const skill of data.skills) {
      const need = needOf(skill, state.role);
      const have = ratingOf(data, skill, state);
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
    const waitsFor = new Map(
      [...gaps.keys()].map((id) => [id, [...ancestorsOf(id)].filter((a) => gaps.has(a))]),
    );
    const better = (a, b) =>
      a.need !== b.need
        ? a.need > b.need
        : a.gap !== b.gap
          ? a.gap > b.gap
          : order.get(a.skill.id) < order.get(b.skill.id);

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

  /* ---- what the page says about it ---------------------------------------------------- */

  function needText(need, level, role) {
    return need
      ? `${role}: needs ${NEED_LABELS[need]}${need <= level ? " (met)" : ""}`
      : `${role}: not needed`;
  }

  function hoursText(hours) {
    return `${plural(hours, "hour")} a week`;
  }

  function summaryText(plan, role, hours) {
    if (!plan.steps.length)
      return `No gaps: your ratings meet everything the ${role} role needs in this guide.`;
    return (
      `${plural(plan.steps.length, "skill gap")} for ${role}: ` +
      `about ${plan.total} hours, which at ${hoursText(hours)} is about ${plural(plan.weeks, "week")}.`
    );
  }

  function gapText(item) {
    return (
      `From ${LEVELS[item.have].label.toLowerCase()} to ${NEED_LABELS[item.need]} ` +
      `(${plural(item.gap, "level")}; ${item.skill.effort_hours} h to working level from scratch).`
    );
  }

  return Object.freeze({
    FORMAT,
    SCHEMA,
    LEVELS,
    NEED_LABELS,
    DEFAULT_HOURS,
    MIN_HOURS,
    MAX_HOURS,
    titleFromId,
    listText,
    docRoute,
    checkSkills,
    checkSettings,
    prepareData,
    roleName,
    categoryLabel,
    skillsByCategory,
    defaultState,
    validHours,
    serialise,
    parseState,
    premark,
    isPremarked,
    ratingOf,
    needOf,
    gapHours,
    computePlan,
    needText,
    hoursText,
    summaryText,
    gapText,
    plural,
  });
});
