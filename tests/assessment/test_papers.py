"""Drawing and marking papers (pure): seeded per learner, quiz and attempt; all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from microcred.assessment import papers

SHIPPED_EXAM = (
    Path(__file__).resolve().parents[2] / "courses" / "applied-ml-dl" / "exam" / "exam.yaml"
)


@pytest.fixture(scope="module")
def pool() -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load(SHIPPED_EXAM.read_text(encoding="utf-8"))["items"]


def uuids(paper: list[papers.DrawnQuestion]) -> list[str]:
    return [drawn.uuid for drawn in paper]


def test_the_shipped_exam_draws_thirty_distinct_questions_from_its_pool(pool: list[dict]) -> None:  # type: ignore[type-arg]
    assert len(pool) == 72
    seed = papers.paper_seed("7", "4bd63dfe-cc9b-4665-b42b-824d2b845c6b", 1)
    paper = papers.draw_paper(pool, 30, seed)
    assert len(paper) == 30
    assert len(set(uuids(paper))) == 30
    assert set(uuids(paper)) <= {str(q["uuid"]) for q in pool}
    assert [drawn.position for drawn in paper] == list(range(30))


def test_the_same_learner_and_attempt_always_get_the_same_paper(pool: list[dict]) -> None:  # type: ignore[type-arg]
    seed = papers.paper_seed("7", "exam", 1)
    first = papers.draw_paper(pool, 30, seed)
    again = papers.draw_paper(pool, 30, papers.paper_seed("7", "exam", 1))
    assert uuids(first) == uuids(again)
    assert [papers.option_ids(d.question) for d in first] == [
        papers.option_ids(d.question) for d in again
    ]


def test_other_learners_and_other_attempts_get_other_papers(pool: list[dict]) -> None:  # type: ignore[type-arg]
    mine = uuids(papers.draw_paper(pool, 30, papers.paper_seed("7", "exam", 1)))
    theirs = uuids(papers.draw_paper(pool, 30, papers.paper_seed("8", "exam", 1)))
    retake = uuids(papers.draw_paper(pool, 30, papers.paper_seed("7", "exam", 2)))
    other_quiz = uuids(papers.draw_paper(pool, 30, papers.paper_seed("7", "quiz", 1)))
    assert mine != theirs
    assert mine != retake
    assert mine != other_quiz
    assert len(set(mine) & set(theirs)) < 30  # not merely reordered


def test_options_are_shuffled_but_keep_their_ids_and_correctness(pool: list[dict]) -> None:  # type: ignore[type-arg]
    by_uuid = {str(q["uuid"]): q for q in pool}
    shuffled = 0
    for learner in range(20):
        for drawn in papers.draw_paper(pool, 30, papers.paper_seed(str(learner), "exam", 1)):
            original = by_uuid[drawn.uuid]
            assert sorted(papers.option_ids(drawn.question)) == sorted(papers.option_ids(original))
            assert papers.correct_ids(drawn.question) == papers.correct_ids(original)
            shuffled += papers.option_ids(drawn.question) != papers.option_ids(original)
    assert shuffled > 300  # of 600 questions; a four-option shuffle keeps its order 1 time in 24


def test_a_pool_smaller_than_the_count_is_drawn_whole() -> None:
    pool = [{"uuid": f"u{i}", "kind": "single", "options": [{"id": "a"}]} for i in range(3)]
    assert sorted(uuids(papers.draw_paper(pool, 10, papers.paper_seed("1", "q", 1)))) == [
        "u0",
        "u1",
        "u2",
    ]
    assert len(papers.draw_paper(pool, None, papers.paper_seed("1", "q", 1))) == 3


SINGLE = {
    "kind": "single",
    "points": 2,
    "options": [{"id": "a", "correct": True}, {"id": "b"}, {"id": "c"}],
}
MULTIPLE = {
    "kind": "multiple",
    "options": [{"id": "a", "correct": True}, {"id": "b", "correct": True}, {"id": "c"}],
}


def test_single_answer_questions_are_right_only_with_the_correct_option() -> None:
    assert papers.mark(SINGLE, ["a"]) == papers.Mark(correct=True, points=2.0, max_points=2.0)
    assert papers.mark(SINGLE, ["b"]) == papers.Mark(correct=False, points=0.0, max_points=2.0)
    assert papers.mark(SINGLE, []).correct is False


def test_multiple_answer_questions_need_exactly_the_correct_set() -> None:
    assert papers.mark(MULTIPLE, ["a", "b"]).correct is True
    assert papers.mark(MULTIPLE, ["b", "a"]).correct is True
    assert papers.mark(MULTIPLE, ["a"]).correct is False  # incomplete
    assert papers.mark(MULTIPLE, ["a", "b", "c"]).correct is False  # one too many
    assert papers.mark(MULTIPLE, ["a", "b"]).max_points == 1.0  # default one point


def test_selections_are_checked_against_the_question() -> None:
    assert papers.clean_selection(MULTIPLE, ["b", "a", "a"]) == ["a", "b"]
    with pytest.raises(papers.InvalidAnswerError):
        papers.clean_selection(MULTIPLE, ["z"])
    with pytest.raises(papers.InvalidAnswerError):
        papers.clean_selection(SINGLE, ["a", "b"])


def test_the_score_is_the_share_of_points() -> None:
    assert papers.share(3, 4) == 0.75
    assert papers.share(0, 0) == 0.0
