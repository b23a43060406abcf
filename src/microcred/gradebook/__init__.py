"""The gradebook: final grades under each course's rules, automatic credential issuance,
the learner's credentials page, the instructors' gradebook and analytics, and GDPR export and
erasure of a learner's data. `gradebook.rules`, `gradebook.stats`, `gradebook.risk` and
`gradebook.svg` are pure (no Django)."""
