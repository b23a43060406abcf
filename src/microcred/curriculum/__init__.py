"""Curriculum: course-as-code. `spec/` is the pure core; the Django app stores synced rows."""
