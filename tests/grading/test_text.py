"""Learner-controlled text is neutralised before it reaches any renderer."""

from __future__ import annotations

from microcred.grading.text import sanitize


def test_strips_ansi_bidi_and_markup() -> None:
    raw = "\x1b[31mred\x1b[0m \x1b]0;title\x07<script>x</script>\u202eevil\u0000"
    out = sanitize(raw)
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "\x00" not in out
    assert "<" not in out
    assert ">" not in out
    assert "red" in out
    assert "evil" in out


def test_truncates() -> None:
    assert len(sanitize("a" * 10000, limit=50)) == 50
