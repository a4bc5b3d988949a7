"""A terminal as a chat: prints alerts as a user would read them (the demo's notifier)."""

from __future__ import annotations

import sys
import textwrap
from typing import TextIO

from bot.alerts.digest import heading
from bot.alerts.zones import zone_of
from bot.models import Alert, Digest
from bot.ports import DeliveryResult, DeliveryStatus, Progress
from handlers.i18n import format_moment, t, tr, use_language

WIDTH = 78


def format_time(alert: Alert) -> str:
    return format_moment(alert.published, alert.zone) or t("time unknown")


def render_alert_text(alert: Alert) -> str:
    lines = [
        alert.title,
        f"{alert.source} · {format_time(alert)}",
        t("Matched: {queries}", queries=", ".join(alert.matched)),
    ]
    for bullet in alert.bullets:
        lines.append(textwrap.fill(bullet, WIDTH, initial_indent="  • ", subsequent_indent="    "))
    lines.append(alert.url)
    return "\n".join(lines)


def render_digest_text(digest: Digest) -> str:
    lines = [tr(heading(digest, zone_of(digest.zone))), ""]
    for alert in digest.items:
        lines.append(render_alert_text(alert))
        lines.append("")
    return "\n".join(lines).rstrip()


class ConsoleNotifier:
    platforms = ("console",)

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.sent: list[Alert] = []

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        try:
            print("─" * WIDTH, file=self.stream)
            with use_language(alert.lang):
                text = render_digest_text(alert.digest) if alert.digest else render_alert_text(alert)
            print(text, file=self.stream)
        except BrokenPipeError:  # `newsbot demo | head`: the reader has seen enough
            return DeliveryResult(DeliveryStatus.SENT, detail="reader gone")
        self.sent.append(alert)
        return DeliveryResult(DeliveryStatus.SENT)
