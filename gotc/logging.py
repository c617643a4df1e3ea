"""Keep secrets and personal data out of logs."""

import logging
import re

# /r/<token>/, /calendar/<token>.ics and /stars/<key>/ (optionally language-prefixed): the
# first is a password to a registration, the second reads the attendee's forums, the third
# reads and writes their starred talks.
TOKEN_PATH = re.compile(r"(/r/|/calendar/|/stars/)[A-Za-z0-9_\-]{8,}")
# API tokens (api.models: "gotc_" and 43 characters) wherever they appear, e.g. a client that
# put one in a URL or a header echoed into a message; "Bearer <anything>" likewise.
API_TOKEN = re.compile(r"(gotc_|Bearer\s+|Token\s+)[A-Za-z0-9_\-.~+/=]{8,}")


def redact(text: str) -> str:
    return API_TOKEN.sub(r"\1[redacted]", TOKEN_PATH.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Rewrite log records so that attendees' manage tokens never reach a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {
                    key: redact(value) if isinstance(value, str) else value
                    for key, value in record.args.items()
                }
            else:
                record.args = tuple(
                    redact(arg) if isinstance(arg, str) else arg for arg in record.args
                )
        request = getattr(record, "request", None)
        if request is not None and TOKEN_PATH.search(getattr(request, "path", "")):
            # Error reports would print the request line: drop it.
            record.request = None
        return True
