"""Read the e-mails the site wrote with Django's file backend, for the demo mailbox.

A demo visitor who signs up cannot receive mail, so the demo shows what it sent (see
docs/decisions/075). The file backend appends each message (RFC 5322 bytes) followed by a line
of 79 dashes to one `.log` file per connection; messages are read back with the standard
library's parser, which also undoes quoted-printable and base64 bodies.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
EPOCH = datetime.fromtimestamp(0, tz=UTC)


@dataclass(frozen=True)
class Mail:
    subject: str
    sender: str
    recipients: str
    date: datetime | None
    body: str  # plain text: the template escapes it


def _parse(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # what policy.default builds
    part = message.get_body(preferencelist=("plain",))
    body = ""
    if isinstance(part, EmailMessage):
        try:
            body = str(part.get_content())
        except (LookupError, ValueError):  # an unknown charset or a broken encoding
            body = "" if part.is_multipart() else str(part.get_payload())
    date_header = message["Date"]
    date = getattr(date_header, "datetime", None) if date_header is not None else None
    if isinstance(date, datetime) and date.tzinfo is None:
        date = date.replace(tzinfo=UTC)  # Django writes "-0000" ("UTC, source unknown")
    return Mail(
        subject=str(message["Subject"] or ""),
        sender=str(message["From"] or ""),
        recipients=", ".join(str(message[h]) for h in ("To", "Cc") if message[h]),
        date=date if isinstance(date, datetime) else None,
        body=body,
    )


def read_mailbox(folder: Path, *, limit: int = 50) -> tuple[list[Mail], bool]:
    """The newest `limit` messages, newest first, and whether older ones were left out.

    Every message is in its own or a later-written file, so reading the `limit` most recently
    written files is enough. A missing folder is an empty mailbox.
    """
    if not folder.is_dir():
        return [], False
    files = sorted(
        (path for path in folder.glob("*.log") if path.is_file()),
        key=lambda path: path.stat().st_mtime_ns,
        reverse=True,
    )
    found: list[tuple[datetime, int, int, Mail]] = []
    for rank, path in enumerate(files[:limit]):
        chunks = [chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip()]
        for position, chunk in enumerate(chunks):
            mail = _parse(chunk)
            # Newest first: by date, then newer file, then later in the file.
            found.append((mail.date or EPOCH, -rank, position, mail))
    found.sort(key=lambda entry: entry[:3], reverse=True)
    more = len(found) > limit or len(files) > limit
    return [entry[3] for entry in found[:limit]], more
