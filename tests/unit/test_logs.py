from __future__ import annotations

import logging

from bot.logs import RedactingFilter


def test_token_never_reaches_a_log_line_or_traceback(caplog) -> None:
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactingFilter(["123:SECRET"]))
    try:
        with caplog.at_level(logging.INFO, logger="test.redact"):
            logger.info("POST https://api.telegram.org/bot%s/sendMessage", "123:SECRET")
            try:
                raise RuntimeError("failed calling /bot123:SECRET/getMe")
            except RuntimeError:
                logger.exception("boom")
        text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
        assert "123:SECRET" not in text and "<token>" in text
    finally:
        logger.filters.clear()
