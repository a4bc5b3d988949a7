"""A terminal as a chat: prints alerts as a user would read them (the demo's notifier)."""

from __future__ import annotations

import sys
import textwrap
from typing import TextIO

from bot.clock import format_utc
from bot.models import Alert
from bot.ports import DeliveryResult, DeliveryStatus

WIDTH = 78


def format_time(alert: Alert) -> str:
    return format_utc(alert.published) or "time unknown"


def render_alert_text(alert: Alert) -> str:
    lines = [alert.title, f"{alert.source} · {format_time(alert)}", "Matched: " + ", ".join(alert.matched)]
    for bullet in alert.bullets:
        lines.append(textwrap.fill(bullet, WIDTH, initial_indent="  • ", subsequent_indent="    "))
    lines.append(alert.url)
    return "\n".join(lines)


class ConsoleNotifier:
    platforms = ("console",)

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.sent: list[Alert] = []

    async def send(self, alert: Alert) -> DeliveryResult:
        try:
            print("─" * WIDTH, file=self.stream)
            print(render_alert_text(alert), file=self.stream)
        except BrokenPipeError:  # `newsbot demo | head`: the reader has seen enough
            return DeliveryResult(DeliveryStatus.SENT, detail="reader gone")
        self.sent.append(alert)
        return DeliveryResult(DeliveryStatus.SENT)
