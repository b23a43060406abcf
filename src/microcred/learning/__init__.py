"""Learning: enrolment and admission review, course delivery and lesson progress."""
