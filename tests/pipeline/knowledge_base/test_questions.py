"""The interview question bank (data/questions.yaml) as issues 16 and 18 promise it: big enough,
spread over every topic and difficulty, and with no question asked twice.

The schema (scripts/pipeline/knowledge_base/schema.py, class Question) already checks each entry:
unique ids, a known topic and difficulty, at least two outline points and a related_page that
exists under docs/ (tests/pipeline/knowledge_base/test_kb_validation.py covers those messages).
These tests check the bank as a whole, reading the file directly so a failure here names a
content problem even while another part of the knowledge base is broken.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest
import yaml

from scripts import ROOT
from scripts.pipeline.knowledge_base.schema import QUESTION_TOPICS

QUESTIONS_FILE = ROOT / "data" / "questions.yaml"
MIN_QUESTIONS = 150  # issue 18
MIN_PER_TOPIC = 12
MIN_LLM_QUESTIONS = 25  # issue 16
MIN_PER_DIFFICULTY = 20
# Two questions whose content words overlap this much ask the same thing in other words.
NEAR_DUPLICATE_JACCARD = 0.8
STOP_WORDS = frozenset(
    "a an and are as at be by can do does for from how i if in is it of on or should that the this "
    "to what when where which who why with would you your".split()
)


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def content_words(text: str) -> set[str]:
    return set(normalised(text).split()) - STOP_WORDS


def test_the_bank_has_at_least_150_questions(questions):
    assert len(questions) >= MIN_QUESTIONS, (
        f"data/questions.yaml has {len(questions)} questions; issue 18 asks for at least {MIN_QUESTIONS}"
    )


@pytest.mark.parametrize("topic", QUESTION_TOPICS)
def test_every_topic_has_enough_questions_of_more_than_one_difficulty(questions, topic):
    mine = [q for q in questions if q["topic"] == topic]
    assert len(mine) >= MIN_PER_TOPIC, (
        f"topic '{topic}' has {len(mine)} questions in data/questions.yaml; add at least "
        f"{MIN_PER_TOPIC - len(mine)} more"
    )
    levels = sorted({q["difficulty"] for q in mine})
    assert len(levels) >= 2, f"topic '{topic}' has only {levels} questions; add some of another difficulty"


def test_llm_applications_has_the_questions_issue_16_asks_for(questions):
    count = sum(q["topic"] == "llm-applications" for q in questions)
    assert count >= MIN_LLM_QUESTIONS, (
        f"llm-applications has {count} questions; issue 16 asks for {MIN_LLM_QUESTIONS}"
    )


def test_every_difficulty_is_well_represented(questions):
    counts = Counter(q["difficulty"] for q in questions)
    thin = {d: counts[d] for d in ("easy", "medium", "hard") if counts[d] < MIN_PER_DIFFICULTY}
    assert not thin, f"too few questions of difficulty {thin} (want at least {MIN_PER_DIFFICULTY} each)"


def test_no_question_is_asked_twice(questions):
    seen: dict[str, str] = {}
    repeated = []
    for q in questions:
        key = normalised(q["question"])
        if key in seen:
            repeated.append(f"{q['id']} repeats {seen[key]}: {q['question']!r}")
        seen.setdefault(key, q["id"])
    assert not repeated, "the same question twice in data/questions.yaml:\n" + "\n".join(repeated)


def test_no_two_questions_are_near_duplicates(questions):
    close = []
    for a, b in itertools.combinations(questions, 2):
        wa, wb = content_words(a["question"]), content_words(b["question"])
        similarity = len(wa & wb) / len(wa | wb) if wa | wb else 1.0
        if similarity >= NEAR_DUPLICATE_JACCARD:
            close.append(f"{a['id']} and {b['id']} ({similarity:.2f}): {a['question']!r} / {b['question']!r}")
    assert not close, "near-duplicate questions: merge them or make them ask different things:\n" + "\n".join(
        close
    )


def test_every_outline_has_three_to_five_points(questions):
    wrong = [
        f"{q['id']}: {len(q['answer_outline'])}" for q in questions if not 3 <= len(q["answer_outline"]) <= 5
    ]
    assert not wrong, "answer outlines need 3-5 points (a checklist, not an essay):\n" + "\n".join(wrong)


def test_ids_stay_unique_after_normalisation(questions):
    # The page uses id="q-<id>" as an HTML anchor; ids that differ only in case would clash.
    counts = Counter(q["id"].lower() for q in questions)
    assert not [i for i, n in counts.items() if n > 1]


def test_near_duplicate_check_catches_a_rephrased_question():
    # The check itself: a reworded copy is caught, two different questions are not.
    a = content_words("How do you detect and prevent overfitting?")
    b = content_words("How would you detect and prevent overfitting?")
    c = content_words("How do you detect data drift?")
    assert len(a & b) / len(a | b) >= NEAR_DUPLICATE_JACCARD
    assert len(a & c) / len(a | c) < NEAR_DUPLICATE_JACCARD
