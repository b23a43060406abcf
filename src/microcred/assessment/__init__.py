"""Assessment: quizzes, the timed exam, auto-graded labs, the capstone and its reviews.

Learner work points at synced `AssessmentItem` rows (PROTECT; items are retired, never deleted)
and at the learner's `Enrolment`. Writes go through `services`, reads through `queries` (which
take the acting user), pure logic (paper drawing, marking, peer assignment) lives in `papers` and
`peers` without Django. `queries.component_scores(enrolment)` is what a gradebook builds on.
"""
