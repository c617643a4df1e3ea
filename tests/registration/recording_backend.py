"""A mail backend for worker tests that several threads or processes share: each message
accepted is one line (its subject) appended to the file named by MAIL_RECORD_FILE, so a
test counts what was sent, however many workers sent it and even after a ``kill -9``.

MAIL_SEND_DELAY (seconds) is spent after the line is written: the message is "accepted by
SMTP" but its worker has not recorded it yet, the window a crash can duplicate."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        path = os.environ["MAIL_RECORD_FILE"]
        delay = float(os.environ.get("MAIL_SEND_DELAY", "0"))
        for message in messages:
            # One write on an O_APPEND descriptor: lines from several processes never mix.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, f"{message.subject}\n".encode())
            finally:
                os.close(fd)
            if delay:
                time.sleep(delay)
        return len(messages)


def recorded(path) -> list[str]:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().splitlines()
    except FileNotFoundError:
        return []
