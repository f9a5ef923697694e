// The skill-gap planner's plan logic (docs/assets/javascripts/planner-logic.js), case by case,
// under Node's own test runner: `node --test tests/javascript/`. The data here is small and
// made up so each test shows one rule of docs/roadmap/planner.md; the browser tests
// (tests/browser/test_planner.py) check the page against the real data.
"use strict";

const assert = require("node:assert/strict");
const { describe, test } = require("node:test");
const logic = require("../../docs/assets/javascripts/planner-logic.js");

const SETTINGS = {
  target_roles: [
    { id: "ml-engineer", name: "ML engineer" },
    { id: "mlops-engineer", name: "MLOps engineer" },
  ],
  categories: [{ id: "programming", label: "Programming" }],
  start_depth: { yes: 2, partly: 1, no: 0 },
};

/** A skill nobody needs and backend work does not teach, with the given fields changed. */
function skill(id, fields = {}) {
  return {
    id,
    name: `Skill ${id}`,
    category: "programming",
    need: {},
    transfers: "no",
    prerequisites: [],
    effort_hours: 10,
    page: `skills/${id}.md`,
    ...fields,
  };
}

function data(skills, settings = SETTINGS) {
  return logic.prepareData(skills, [], settings);
}

function planFor(skills, { role = "ml-engineer", hours = 6, ratings = {} } = {}) {
  return logic.computePlan(data(skills), { role, hours, ratings });
}

const order = (plan) => plan.steps.map((step) => step.skill.id);
const ml = (depth) => ({ need: { "ml-engineer": depth } });

describe("gaps", () => {
  test("a skill is a gap when the role needs more than the rating, by the difference", () => {
    const plan = planFor([skill("a", ml(3)), skill("b", ml(1)), skill("c", ml(2))], {
      ratings: { a: 1, b: 1, c: 3 },
    });
    assert.deepEqual(order(plan), ["a"]);
    assert.deepEqual(
      plan.steps.map(({ need, have, gap }) => [need, have, gap]),
      [[3, 1, 2]],
    );
  });

  test("a role the skill does not mention needs nothing of it", () => {
    const plan = planFor([skill("a", { need: { "mlops-engineer": 3 } })]);
    assert.deepEqual(plan.steps, []);
    assert.equal(
      logic.summaryText(plan, "ML engineer", 6),
      "No gaps: your ratings meet everything the ML engineer role needs in this guide.",
    );
  });

  test("an unrated skill starts at the published start depth of its transfers value", () => {
    const skills = [
      skill("taught", { ...ml(3), transfers: "yes" }),
      skill("partly", { ...ml(3), transfers: "partly" }),
      skill("new", { ...ml(3), transfers: "no" }),
    ];
    const plan = planFor(skills);
    assert.deepEqual(
      plan.steps.map((s) => [s.skill.id, s.have]),
      [
        ["new", 0],
        ["partly", 1],
        ["taught", 2],
      ],
    );
    // The depths come from the data, not from the code.
    const shifted = logic.prepareData(skills, [], { ...SETTINGS, start_depth: { yes: 3, partly: 0 } });
    const state = { role: "ml-engineer", hours: 6, ratings: {} };
    assert.deepEqual(
      skills.map((s) => logic.ratingOf(shifted, s, state)),
      [3, 0, 0],
    );
  });

  test("a rating replaces the start depth and takes the pre-mark away", () => {
    const skills = [skill("taught", { ...ml(3), transfers: "yes" })];
    const d = data(skills);
    const unrated = { role: "ml-engineer", hours: 6, ratings: {} };
    const confirmed = { role: "ml-engineer", hours: 6, ratings: { taught: 2 } };
    assert.equal(logic.isPremarked(d, skills[0], unrated), true);
    assert.equal(logic.isPremarked(d, skills[0], confirmed), false);
    assert.equal(logic.computePlan(d, { ...unrated, ratings: { taught: 0 } }).steps[0].gap, 3);
  });
});

describe("hours and weeks", () => {
  test("a gap costs half the effort per missing level, rounded up to a whole hour", () => {
    assert.equal(logic.gapHours(skill("a", { effort_hours: 30 }), 2), 30);
    assert.equal(logic.gapHours(skill("a", { effort_hours: 5 }), 1), 3);
    assert.equal(logic.gapHours(skill("a", { effort_hours: 7 }), 3), 11);
  });

  test("the total adds the steps and the weeks round the total over the pace up", () => {
    const skills = [skill("a", { ...ml(3), effort_hours: 7 }), skill("b", { ...ml(2), effort_hours: 20 })];
    const plan = planFor(skills, { hours: 6 });
    assert.deepEqual(
      plan.steps.map((s) => s.hours),
      [11, 20],
    );
    assert.equal(plan.total, 31);
    assert.equal(plan.weeks, 6);
    assert.equal(planFor(skills, { hours: 31 }).weeks, 1);
    assert.equal(planFor(skills, { hours: 2.5 }).weeks, 13);
    assert.equal(
      logic.summaryText(plan, "ML engineer", 6),
      "2 skill gaps for ML engineer: about 31 hours, which at 6 hours a week is about 6 weeks.",
    );
    assert.equal(
      logic.summaryText(planFor([skill("a", ml(1))], { hours: 31 }), "ML engineer", 1),
      "1 skill gap for ML engineer: about 5 hours, which at 1 hour a week is about 1 week.",
    );
  });
});

describe("order", () => {
  test("the skill the role needs most comes first, then the bigger gap, then the data order", () => {
    const skills = [
      skill("small-gap", { ...ml(3), transfers: "partly" }),
      skill("later", ml(2)),
      skill("earlier", ml(2)),
      skill("deepest", ml(3)),
    ];
    // later and earlier tie on need and gap: the data lists "later" first.
    assert.deepEqual(order(planFor(skills)), ["deepest", "small-gap", "later", "earlier"]);
  });

  test("a prerequisite comes before a skill that builds on it, even when the role needs it less", () => {
    const skills = [skill("advanced", { ...ml(3), prerequisites: ["basic"] }), skill("basic", ml(1))];
    const plan = planFor(skills);
    assert.deepEqual(order(plan), ["basic", "advanced"]);
    assert.equal(plan.placed.get("basic"), 1);
    assert.equal(plan.placed.get("advanced"), 2);
  });

  test("a prerequisite further up the chain waits for its turn even when the middle one is no gap", () => {
    const skills = [
      skill("top", { ...ml(3), prerequisites: ["middle"] }),
      skill("middle", { ...ml(1), prerequisites: ["root"] }),
      skill("root", ml(1)),
    ];
    assert.deepEqual(order(planFor(skills, { ratings: { middle: 3 } })), ["root", "top"]);
  });

  test("a prerequisite the reader already has holds nothing back", () => {
    const skills = [
      skill("small", ml(1)),
      skill("big", { ...ml(3), prerequisites: ["known"] }),
      skill("known", ml(2)),
    ];
    const plan = planFor(skills, { ratings: { known: 2 } });
    assert.deepEqual(order(plan), ["big", "small"]);
    assert.equal(plan.placed.has("known"), false);
  });

  test("a prerequisite cycle ends the plan instead of looping", () => {
    const skills = [
      skill("a", { ...ml(2), prerequisites: ["b"] }),
      skill("b", { ...ml(2), prerequisites: ["a"] }),
    ];
    assert.deepEqual(order(planFor(skills)), []);
  });
});

describe("saved and imported state", () => {
  const skills = [skill("python", ml(2)), skill("sql", ml(1))];
  const fallback = { role: "ml-engineer", hours: 6, ratings: {} };
  const file = (fields) => ({ format: logic.FORMAT, schema: 1, ratings: {}, ...fields });

  test("state written by serialise reads back the same", () => {
    const state = { role: "mlops-engineer", hours: 4.5, ratings: { python: 3, sql: 0 } };
    const written = logic.serialise(state);
    assert.deepEqual(written, {
      format: "skill-gap-plan",
      schema: 1,
      role: "mlops-engineer",
      hours_per_week: 4.5,
      ratings: { python: "strong", sql: "not-yet" },
    });
    assert.deepEqual(logic.parseState(written, data(skills), fallback), { state, problems: [], kept: 2 });
  });

  for (const [name, raw, says] of [
    ["an array", [1, 2], "not a planner export"],
    ["no format", { ratings: {} }, "not a planner export"],
    [
      "ratings that are a list",
      { format: "skill-gap-plan", schema: 1, ratings: ["python"] },
      "not a planner export",
    ],
    [
      "a schema that is not a whole number",
      { format: "skill-gap-plan", schema: "1", ratings: {} },
      '"schema" is "1"',
    ],
    ["a newer schema", { format: "skill-gap-plan", schema: 99, ratings: {} }, "newer planner (schema 99)"],
  ]) {
    test(`a file with ${name} is refused with a reason`, () => {
      const parsed = logic.parseState(raw, data(skills), fallback);
      assert.deepEqual(Object.keys(parsed), ["error"]);
      assert.match(parsed.error, new RegExp(says.replace(/[()]/g, "\\$&")));
    });
  }

  test("an unknown role or pace keeps the current one and says so", () => {
    const parsed = logic.parseState(file({ role: "astronaut", hours_per_week: 0 }), data(skills), fallback);
    assert.deepEqual(parsed.state, fallback);
    assert.deepEqual(parsed.problems, [
      'Unknown target role "astronaut"; kept ML engineer.',
      "Hours per week 0 is not a number from 1 to 80; kept 6.",
    ]);
  });

  test("only the published target roles are accepted", () => {
    const raw = file({ role: "mlops-engineer" });
    assert.equal(logic.parseState(raw, data(skills), fallback).state.role, "mlops-engineer");
    const oneRole = { ...SETTINGS, target_roles: [{ id: "ml-engineer", name: "ML engineer" }] };
    assert.equal(logic.parseState(raw, data(skills, oneRole), fallback).state.role, "ml-engineer");
  });

  test("ratings for unknown skills or levels are listed and skipped; the rest are kept", () => {
    const raw = file({ ratings: { python: "strong", retired: "basics", sql: "expert" } });
    const parsed = logic.parseState(raw, data(skills), fallback);
    assert.deepEqual(parsed.state.ratings, { python: 3 });
    assert.equal(parsed.kept, 1);
    assert.deepEqual(parsed.problems, [
      "Skipped ratings for skills this version of the guide does not have: “retired”.",
      'Skipped ratings that are not one of not-yet, basics, working, strong: sql ("expert").',
    ]);
  });
});

describe("published data", () => {
  test("the first published target role is the default, with the published names and labels", () => {
    const d = data([skill("a"), skill("b", { category: "unlabelled-family" })]);
    assert.deepEqual(logic.defaultState(d), { role: "ml-engineer", hours: 6, ratings: {} });
    assert.deepEqual(d.targetRoles, ["ml-engineer", "mlops-engineer"]);
    assert.equal(logic.roleName(d, "mlops-engineer"), "MLOps engineer");
    assert.deepEqual(
      logic.skillsByCategory(d).map(([id, list]) => [logic.categoryLabel(d, id), list.length]),
      [
        ["Programming", 1],
        ["Unlabelled family", 1],
      ],
    );
  });

  test("unreadable skills or settings fail with the file's name", () => {
    assert.throws(() => data([]), /downloads\/skills\.json holds no list of skills/);
    assert.throws(() => data([{ id: "x" }]), /downloads\/skills\.json has an entry the planner cannot read/);
    for (const broken of [
      null,
      { ...SETTINGS, target_roles: [] },
      { ...SETTINGS, categories: [{ id: "math" }] },
      { ...SETTINGS, start_depth: { yes: 4 } },
    ]) {
      assert.throws(() => data([skill("a")], broken), /downloads\/planner\.json lacks/);
    }
  });

  test("docs paths become directory URLs as MkDocs writes them", () => {
    assert.equal(logic.docRoute("skills/mlops.md"), "skills/mlops/");
    assert.equal(logic.docRoute("skills/index.md"), "skills/");
    assert.equal(logic.docRoute("index.md"), "");
    assert.equal(logic.docRoute("projects/spam-filter.ipynb"), "projects/spam-filter/");
  });

  test("a need is described on the rating scale, and met when the rating reaches it", () => {
    assert.equal(logic.needText(3, 2, "ML engineer"), "ML engineer: needs strong");
    assert.equal(logic.needText(2, 2, "ML engineer"), "ML engineer: needs working (met)");
    assert.equal(logic.needText(0, 0, "ML engineer"), "ML engineer: not needed");
  });
});
