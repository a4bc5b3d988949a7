"""Logging set-up: one format, and secrets scrubbed from every record."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret replaced: the one scrubber for logs and messages alike."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<token>")
    return text


class RedactingFilter(logging.Filter):
    """Bot tokens appear in Bot API URLs; no log line may carry one."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = redact(record.getMessage(), self.secrets), None
            if record.exc_info and record.exc_text is None:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text, self.secrets)
        return True


def setup_logging(level: str, secrets: Sequence[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
