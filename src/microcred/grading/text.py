"""Make learner-influenced text safe to show anywhere (terminal, HTML, e-mail).

Exception messages come from learner code and may carry ANSI escapes, bidi overrides
or markup meant for whoever renders the feedback. Feedback is plain text by contract;
we drop control and formatting characters, replace angle brackets and cap the length.
"""

from __future__ import annotations

import re
import unicodedata

MAX_FEEDBACK = 300
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)")


def sanitize(text: str, limit: int = MAX_FEEDBACK) -> str:
    if not text:
        return ""
    text = _ANSI.sub("", text)
    cleaned = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\t":
            cleaned.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif ch == "<":
            cleaned.append("\u2039")
        elif ch == ">":
            cleaned.append("\u203a")
        else:
            cleaned.append(ch)
    out = " ".join("".join(cleaned).split())
    return out if len(out) <= limit else out[: limit - 1] + "\u2026"
