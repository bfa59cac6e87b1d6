"""The embedded default's mail backend: one readable UTF-8 text file per batch under var/mail/.

Django's file backend writes the MIME form (base64 for Cyrillic), which a person cannot read or copy a link from.
This writes the same letter as plain text: the headers that matter and the body as sent.
"""

from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.utils import timezone


class ReadableFileBackend(FileBackend):
    def write_message(self, message: Any) -> None:
        lines = [
            f"Date: {timezone.now().isoformat(timespec='seconds')}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            message.body,
            "-" * 79,
            "",
        ]
        self.stream.write("\n".join(lines).encode())  # type: ignore[arg-type]  # opened "ab" by the base class
