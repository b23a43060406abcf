"""The printable certificate: an A4 PDF with every Annex I element and a QR code to verify it.

Pure: fpdf2 and segno are pure-Python wheels and nothing is read from the system. The text
face is Noto Sans when the ``fontpkg-noto-sans`` wheel is installed (Latin, Greek and
Cyrillic, so every UI language of microcred prints as written); without it the PDF uses the
built-in Helvetica, which only knows Latin-1, and text is transliterated to Latin-1
(``latin1_safe``: accents kept where Latin-1 has them, Greek letters spelled in Latin
letters, anything else as ``?``). The QR code points at the public verification page.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF

from microcred.credentials.core.openbadge import percent
from microcred.credentials.core.record import CredentialRecord

__all__ = ["CertificateText", "certificate_pdf", "latin1_safe", "unicode_font"]

_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
        [
            "a",
            "v",
            "g",
            "d",
            "e",
            "z",
            "i",
            "th",
            "i",
            "k",
            "l",
            "m",
            "n",
            "x",
            "o",
            "p",
            "r",
            "s",
            "s",
            "t",
            "y",
            "f",
            "ch",
            "ps",
            "o",
            "a",
            "e",
            "i",
            "i",
            "o",
            "y",
            "o",
            "i",
            "y",
            "i",
            "y",
        ],
        strict=True,
    )
)
_PUNCTUATION = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\u2192": "->", "Ł": "L", "ł": "l",
    "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i", "Ħ": "H", "ħ": "h", "€": "EUR",
}  # fmt: skip


def latin1_safe(text: str) -> str:
    """Text Helvetica can print: Latin-1 kept, Greek transliterated, other letters unaccented."""
    out: list[str] = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in _PUNCTUATION:
            out.append(_PUNCTUATION[char])
        elif char.lower() in _GREEK:
            latin = _GREEK[char.lower()]
            out.append(latin.capitalize() if char.isupper() else latin)
        else:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def unicode_font() -> Path | None:
    """Noto Sans (variable) from the ``fontpkg-noto-sans`` wheel, when installed."""
    try:
        package: Any = importlib.import_module("fontpkg_noto_sans")
    except ImportError:
        return None
    path = Path(package.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
    return path if path.is_file() else None


def static_faces(variable: Path, directory: Path, text: str | None = None) -> tuple[Path, Path]:
    """Regular and bold static instances of a variable font, written to ``directory``.

    fpdf2 can instance variable fonts itself, but fontTools needs about ten seconds per
    weight for Noto Sans. With ``text`` the font is first cut down to the characters used
    (about 2 s for both weights, for one document); without it the full faces are made once
    and reused from ``directory`` (the instance's font cache).
    """
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
    from fontTools.varLib import instancer  # type: ignore[import-untyped]

    directory.mkdir(parents=True, exist_ok=True)
    names = (directory / "NotoSans-Regular.ttf", directory / "NotoSans-Bold.ttf")
    if text is None and all(path.is_file() for path in names):
        return names
    font = TTFont(variable)
    if text is not None:
        options = subset.Options()
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text + "0123456789 .,:;%-()/|")
        subsetter.subset(font)
    for path, weight in zip(names, (400, 700), strict=True):
        instance = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100})
        temporary = path.with_suffix(".tmp")
        instance.save(str(temporary))
        temporary.replace(path)
    return names


@dataclasses.dataclass(frozen=True, slots=True)
class CertificateText:
    """The words around the data (translatable by the caller; English by default)."""

    heading: str = "Certificate of achievement"
    awarded_to: str = "This certifies that"
    completed: str = "has successfully completed the microcredential"
    grade: str = "Final grade"
    skills: str = "Skills evidenced (ESCO)"
    annex: str = "Microcredential description (EU Council Recommendation 2022/C 243/02, Annex I)"
    verify: str = "Verify this certificate"


class _Pdf(FPDF):
    def __init__(self, faces: tuple[Path, Path] | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self._unicode = faces is not None
        if faces is not None:
            self.add_font("Body", "", str(faces[0]))
            self.add_font("Body", "B", str(faces[1]))
            self.family_name = "Body"
        else:
            self.family_name = "Helvetica"

    def text_of(self, text: str) -> str:
        return text if self._unicode else latin1_safe(text)

    def write_line(self, text: str, size: float = 10, style: str = "", height: float = 5) -> None:
        canvas: Any = self
        canvas.set_font(self.family_name, style, size)
        canvas.multi_cell(0, height, self.text_of(text), new_x="LMARGIN", new_y="NEXT")


def _annex_rows(record: CredentialRecord) -> list[tuple[str, str]]:
    spec = record.description
    body = spec.awarding_body

    def en(text: dict[str, str]) -> str:
        return text.get("en") or next(iter(text.values()), "")

    supervision = spec.supervision_and_identity_verification
    rows = [
        ("Identification of the learner", record.learner.name),
        ("Title of the micro-credential", en(spec.title)),
        ("Country/region of the issuer", ", ".join(x for x in (body.country, body.region) if x)),
        ("Awarding body", ", ".join(x for x in (body.name, body.unit, body.address) if x)),
        ("Date of issuing", record.issued_at.date().isoformat()),
        (
            "Learning outcomes",
            "\n".join(
                f"{o.id} ({o.type}, EQF {o.eqf_level}): {en(o.text)}"
                for o in spec.learning_outcomes
            ),
        ),
        (
            "Notional workload",
            f"{spec.workload.ects:g} ECTS, {spec.workload.total_hours:g} hours "
            f"({spec.workload.theoretical.hours:g} theoretical, "
            f"{spec.workload.practical.hours:g} practical)",
        ),
        (
            "Level",
            f"EQF {spec.level.eqf}"
            + (f", QF-EHEA {spec.level.qf_ehea_cycle} cycle" if spec.level.qf_ehea_cycle else "")
            + (f", {spec.level.nqf}" if spec.level.nqf else ""),
        ),
        ("Type of assessment", en(spec.assessment.type)),
        (
            "Form of participation",
            f"{spec.form_of_participation.mode}, {spec.form_of_participation.pace}: "
            f"{en(spec.form_of_participation.description)}",
        ),
        (
            "Type of quality assurance",
            f"{en(spec.quality_assurance.type)} ({spec.quality_assurance.body})",
        ),
        ("Prerequisites", "\n".join(en(p) for p in spec.prerequisites) or "none"),
        (
            "Supervision and identity verification",
            f"supervision: {record.supervision}; identity verification: "
            f"{record.identity_verification}"
            + (
                f". {en(supervision.description)}"
                if supervision and supervision.description
                else ""
            ),
        ),
        ("Grade achieved", f"{percent(record.final_grade)} %"),
        (
            "Integration / stackability",
            en(spec.stackability.description) if spec.stackability else "stand-alone",
        ),
        (
            "Further information",
            " ".join(
                x
                for x in (
                    en(spec.further_information.description) if spec.further_information else "",
                    spec.further_information.url if spec.further_information else "",
                )
                if x
            )
            or "-",
        ),
    ]
    return rows


def certificate_pdf(
    record: CredentialRecord,
    verification_url: str,
    *,
    text: CertificateText | None = None,
    unicode: bool = True,
    font_cache: Path | None = None,
) -> bytes:
    """The certificate as PDF bytes.

    With ``unicode`` (and the Noto Sans wheel installed) text prints as written, from the
    static faces in ``font_cache`` when ``static_faces`` has prepared them there (once, about
    20 s), else from faces cut to this document's characters (about 2-4 s).
    ``unicode=False`` forces the Latin-1 fallback.
    """
    words = text or CertificateText()
    variable = unicode_font() if unicode else None
    if variable is None:
        return _render(record, verification_url, words, None)
    if font_cache is not None:
        cached = (font_cache / "NotoSans-Regular.ttf", font_cache / "NotoSans-Bold.ttf")
        if all(path.is_file() for path in cached):
            return _render(record, verification_url, words, cached)
    with tempfile.TemporaryDirectory() as scratch:
        characters = "".join(sorted(set(_all_text(record, verification_url, words))))
        faces = static_faces(variable, Path(scratch), characters)
        return _render(record, verification_url, words, faces)


def _all_text(record: CredentialRecord, url: str, words: CertificateText) -> str:
    parts = [url, record.credential_urn, record.description.awarding_body.name]
    parts += [str(value) for value in dataclasses.astuple(words)]
    parts += [label + value for label, value in _annex_rows(record)]
    parts += [skill.label for skill in record.skills]
    parts += list(record.description.title.values())
    return "".join(parts)


def _render(
    record: CredentialRecord,
    verification_url: str,
    words: CertificateText,
    faces: tuple[Path, Path] | None,
) -> bytes:
    pdf = _Pdf(faces)
    canvas: Any = pdf  # fpdf2's decorated methods are untyped
    canvas.set_title(pdf.text_of(f"{words.heading}: {record.description.title.get('en', '')}"))
    canvas.set_author(pdf.text_of(record.description.awarding_body.name))
    canvas.set_creation_date(record.issued_at)
    canvas.add_page()
    spec = record.description
    pdf.write_line(spec.awarding_body.name, 12, "B", 6)
    pdf.write_line(words.heading.upper(), 20, "B", 10)
    canvas.ln(2)
    pdf.write_line(words.awarded_to, 11)
    pdf.write_line(record.learner.name, 22, "B", 11)
    pdf.write_line(words.completed, 11)
    pdf.write_line(spec.title.get("en") or next(iter(spec.title.values())), 16, "B", 8)
    pdf.write_line(
        f"{words.grade}: {percent(record.final_grade)} %   |   {spec.workload.ects:g} ECTS   |   "
        f"EQF {spec.level.eqf}   |   {record.issued_at.date().isoformat()}",
        11,
        "B",
        6,
    )
    qr = segno.make(verification_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    y = pdf.get_y() + 2
    canvas.image(buffer, x=pdf.w - 18 - 32, y=y, w=32, h=32)
    canvas.set_xy(18, y)
    canvas.set_font(pdf.family_name, "", 9)
    canvas.multi_cell(
        pdf.w - 36 - 36,
        4.5,
        pdf.text_of(f"{words.verify}: {verification_url}\nCredential {record.credential_urn}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    canvas.set_y(max(pdf.get_y(), y + 34))
    if record.skills:
        pdf.write_line(words.skills, 11, "B", 6)
        pdf.write_line("; ".join(skill.label for skill in record.skills), 9, "", 4.5)
        canvas.ln(2)
    pdf.write_line(words.annex, 11, "B", 6)
    for label, value in _annex_rows(record):
        canvas.set_font(pdf.family_name, "B", 9)
        canvas.multi_cell(0, 4.5, pdf.text_of(label), new_x="LMARGIN", new_y="NEXT")
        canvas.set_font(pdf.family_name, "", 9)
        canvas.multi_cell(0, 4.5, pdf.text_of(value), new_x="LMARGIN", new_y="NEXT")
        canvas.ln(1)
    return bytes(canvas.output())
