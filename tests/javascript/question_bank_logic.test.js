// The question bank's filter logic (docs/assets/javascripts/question-bank-logic.js), rule by
// rule, under Node's own test runner: `node --test tests/javascript/`. The questions here are
// small and made up; the browser test (tests/browser/test_question_bank.py) checks the page
// against data/questions.yaml.
"use strict";

const assert = require("node:assert/strict");
const { describe, test } = require("node:test");
const logic = require("../../docs/assets/javascripts/question-bank-logic.js");

function q(id, topic, difficulty) {
  const labels = { coding: "Coding", evaluation: "Evaluation and statistics", behavioural: "Behavioural" };
  return { id, topic, topicLabel: labels[topic], difficulty };
}

const BANK = [
  q("a", "coding", "easy"),
  q("b", "coding", "hard"),
  q("c", "evaluation", "medium"),
  q("d", "coding", "medium"),
  q("e", "behavioural", "easy"),
];
const TOPICS = logic.topicsOf(BANK);

describe("readQuestion", () => {
  test("reads the data attributes of a question cell", () => {
    assert.deepEqual(
      logic.readQuestion({ qbId: "q-x", topic: "coding", topicLabel: "Coding", difficulty: "hard" }),
      { id: "q-x", topic: "coding", topicLabel: "Coding", difficulty: "hard" },
    );
  });

  test("fails naming the question and the attribute when one is missing", () => {
    assert.throws(
      () => logic.readQuestion({ qbId: "q-x", topic: "coding", difficulty: "hard" }),
      /question q-x: data-topic-label is missing/,
    );
  });

  test("refuses a difficulty the schema does not have", () => {
    assert.throws(
      () => logic.readQuestion({ qbId: "q-x", topic: "coding", topicLabel: "Coding", difficulty: "expert" }),
      /question q-x: difficulty 'expert' is not one of easy, medium, hard/,
    );
  });
});

describe("topicsOf", () => {
  test("lists each topic once, in order of first appearance, with its count", () => {
    assert.deepEqual(TOPICS, [
      { id: "coding", label: "Coding", count: 3 },
      { id: "evaluation", label: "Evaluation and statistics", count: 1 },
      { id: "behavioural", label: "Behavioural", count: 1 },
    ]);
  });
});

describe("applyFilter", () => {
  test("the default filter shows every question", () => {
    const result = logic.applyFilter(BANK, logic.defaultFilter());
    assert.equal(result.shown, BANK.length);
    assert.equal(result.total, BANK.length);
    assert.ok(result.visible.every(Boolean));
  });

  test("a topic shows only that topic's questions, every other topic counts zero", () => {
    const result = logic.applyFilter(BANK, { topic: "coding", difficulties: ["easy", "medium", "hard"] });
    assert.deepEqual(result.visible, [true, true, false, true, false]);
    assert.deepEqual(Object.fromEntries(result.byTopic), { coding: 3, evaluation: 0, behavioural: 0 });
  });

  test("topic and difficulty combine with AND; difficulties with OR", () => {
    const result = logic.applyFilter(BANK, { topic: "coding", difficulties: ["easy", "hard"] });
    assert.deepEqual(result.visible, [true, true, false, false, false]);
    assert.equal(result.shown, 2);
  });

  test("no difficulty ticked shows nothing", () => {
    const result = logic.applyFilter(BANK, { topic: logic.ALL, difficulties: [] });
    assert.equal(result.shown, 0);
  });
});

describe("normaliseFilter", () => {
  test("an unknown topic falls back to all topics", () => {
    assert.equal(logic.normaliseFilter({ topic: "astrology", difficulties: ["easy"] }, TOPICS).topic, "all");
  });

  test("difficulties keep the schema's order and drop unknown values and duplicates", () => {
    const filter = logic.normaliseFilter(
      { topic: "coding", difficulties: ["hard", "x", "easy", "hard"] },
      TOPICS,
    );
    assert.deepEqual(filter, { topic: "coding", difficulties: ["easy", "hard"] });
  });

  test("a missing filter means everything", () => {
    assert.deepEqual(logic.normaliseFilter(undefined, TOPICS), logic.defaultFilter());
  });
});

describe("summaryText", () => {
  const say = (filter) => logic.summaryText(logic.applyFilter(BANK, filter), filter, TOPICS);

  test("says how many show, of how many, and what was chosen", () => {
    assert.equal(say(logic.defaultFilter()), "Showing 5 of 5 questions (all topics, any difficulty).");
    assert.equal(
      say({ topic: "coding", difficulties: ["easy", "medium"] }),
      "Showing 2 of 5 questions (Coding, easy or medium).",
    );
    assert.equal(
      say({ topic: "evaluation", difficulties: ["medium"] }),
      "Showing 1 of 5 questions (Evaluation and statistics, medium).",
    );
  });

  test("says what to do when nothing matches", () => {
    assert.equal(
      say({ topic: "behavioural", difficulties: ["hard"] }),
      "No questions match (Behavioural, hard): choose another topic or difficulty.",
    );
    assert.equal(
      say({ topic: logic.ALL, difficulties: [] }),
      "No questions shown: tick at least one difficulty.",
    );
  });
});

describe("describeFilter", () => {
  test("lists three difficulties with commas and 'or'", () => {
    // Two of three ticked reads "easy or hard"; this checks the list joining itself.
    assert.equal(
      logic.describeFilter({ topic: "coding", difficulties: ["easy", "hard"] }, TOPICS),
      "Coding, easy or hard",
    );
  });
});
