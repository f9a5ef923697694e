/*
 * Interview question bank (docs/interviews/question-bank.md): the filter itself, with no
 * page in it.
 *
 * The bank is in the page's HTML, one table per topic, generated from data/questions.yaml
 * by the `questions` table (scripts/pipeline/knowledge_base/tables.py). Each question cell
 * holds <span class="qb-question" data-topic=... data-topic-label=... data-difficulty=...>;
 * question-bank.js reads those into plain objects and asks this file which to show.
 * Everything here is a pure function of those objects and the reader's filter, so
 * tests/javascript/question_bank_logic.test.js runs it under Node (`node --test`). In a
 * browser this file defines one global, QuestionBankLogic; under Node it is the module's
 * export. The page loads it before question-bank.js.
 *
 * A filter is { topic: "all" | <topic id>, difficulties: [<difficulty>, ...] }.
 */
((factory) => {
  const logic = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = logic;
  } else {
    globalThis.QuestionBankLogic = logic;
    // Instant navigation inserts the page's scripts without waiting for each to load, so
    // question-bank.js may run first; it waits for this event then.
    document.dispatchEvent(new Event("question-bank-logic"));
  }
})(() => {
  "use strict";

  const ALL = "all";
  // The schema's difficulty values (schema.py, Question.difficulty), easiest first.
  const DIFFICULTIES = Object.freeze(["easy", "medium", "hard"]);

  /**
   * A question from its cell's data attributes (an element's `dataset`, or any object with
   * the same keys). Throws naming the question when an attribute is missing or unknown, so
   * a change to the table that the filter does not understand fails loudly, not silently.
   */
  function readQuestion(data) {
    const id = data.qbId || data.id || "(no id)";
    for (const key of ["topic", "topicLabel", "difficulty"]) {
      if (typeof data[key] !== "string" || data[key] === "") {
        throw new Error(`question ${id}: data-${kebab(key)} is missing`);
      }
    }
    if (!DIFFICULTIES.includes(data.difficulty)) {
      throw new Error(
        `question ${id}: difficulty '${data.difficulty}' is not one of ${DIFFICULTIES.join(", ")}`,
      );
    }
    return { id, topic: data.topic, topicLabel: data.topicLabel, difficulty: data.difficulty };
  }

  function kebab(name) {
    return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  }

  /** The topics present, in order of first appearance: [{ id, label, count }]. */
  function topicsOf(questions) {
    const byId = new Map();
    for (const q of questions) {
      const topic = byId.get(q.topic);
      if (topic) topic.count += 1;
      else byId.set(q.topic, { id: q.topic, label: q.topicLabel, count: 1 });
    }
    return [...byId.values()];
  }

  /** Every question: all topics, every difficulty. */
  function defaultFilter() {
    return { topic: ALL, difficulties: [...DIFFICULTIES] };
  }

  /**
   * A filter with unknown values dropped: a topic the page does not have becomes "all",
   * difficulties keep the schema's order and lose duplicates and unknown values.
   */
  function normaliseFilter(filter, topics) {
    const topic = topics.some((t) => t.id === filter?.topic) ? filter.topic : ALL;
    const wanted = new Set(Array.isArray(filter?.difficulties) ? filter.difficulties : DIFFICULTIES);
    return { topic, difficulties: DIFFICULTIES.filter((d) => wanted.has(d)) };
  }

  function matches(question, filter) {
    return (
      (filter.topic === ALL || question.topic === filter.topic) &&
      filter.difficulties.includes(question.difficulty)
    );
  }

  /**
   * What the filter shows: `visible` (one boolean per question, in order), `shown`, `total`
   * and `byTopic` (topic id -> number shown, every topic present, zero included).
   */
  function applyFilter(questions, filter) {
    const byTopic = new Map(topicsOf(questions).map((t) => [t.id, 0]));
    const visible = questions.map((q) => {
      const show = matches(q, filter);
      if (show) byTopic.set(q.topic, byTopic.get(q.topic) + 1);
      return show;
    });
    const shown = visible.filter(Boolean).length;
    return { visible, shown, total: questions.length, byTopic };
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  /** "easy", "easy or hard", "easy, medium or hard". */
  function orList(words) {
    if (words.length <= 1) return words.join("");
    return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
  }

  /** What the filter selects, in words: "Coding, easy or medium" / "all topics, any difficulty". */
  function describeFilter(filter, topics) {
    const topic = filter.topic === ALL ? "all topics" : topics.find((t) => t.id === filter.topic)?.label;
    const every = DIFFICULTIES.every((d) => filter.difficulties.includes(d));
    const difficulty = every ? "any difficulty" : orList(filter.difficulties);
    return `${topic || filter.topic}, ${difficulty || "no difficulty"}`;
  }

  /** The sentence the page's live region announces after each change. */
  function summaryText(result, filter, topics) {
    if (filter.difficulties.length === 0) {
      return "No questions shown: tick at least one difficulty.";
    }
    if (result.shown === 0) {
      return `No questions match (${describeFilter(filter, topics)}): choose another topic or difficulty.`;
    }
    return `Showing ${result.shown} of ${plural(result.total, "question", "questions")} (${describeFilter(filter, topics)}).`;
  }

  return Object.freeze({
    ALL,
    DIFFICULTIES,
    readQuestion,
    topicsOf,
    defaultFilter,
    normaliseFilter,
    matches,
    applyFilter,
    describeFilter,
    summaryText,
    plural,
  });
});
