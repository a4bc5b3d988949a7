"""Alerts to Discord channel webhooks: for servers that want alerts without adding the bot.

A webhook target is configured by the operator (see `handlers.discord.targets`) under a
name; alerts for it are `ChatRef("webhook", name)`. The URL holds a secret token, so it
lives only in the configuration and in this notifier, never in the store or the logs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from bot.models import Alert
from bot.ports import DeliveryResult, DeliveryStatus, Progress
from handlers.discord.digest import digest_messages, digest_texts
from handlers.discord.render import alert_embed, alert_text
from handlers.i18n import use_language

log = logging.getLogger(__name__)

PLATFORM = "webhook"
INVALID_FORM_BODY = 50035
USERNAME = "newsbot"


def webhook_payload(alert: Alert) -> dict[str, Any]:
    with use_language(alert.lang):  # the alert's own words in the target's language
        return _payload(alert)


def _payload(alert: Alert) -> dict[str, Any]:
    payload: dict[str, Any] = {"username": USERNAME, "allowed_mentions": {"parse": []}}
    if alert.plain:
        payload["content"] = alert_text(alert)
    else:
        payload["embeds"] = [alert_embed(alert)]
    return payload


def webhook_payloads(alert: Alert) -> list[dict[str, Any]]:
    """One payload for an alert; one or more for a digest (a burst folded for this target)."""
    with use_language(alert.lang):
        return _payloads(alert)


def _payloads(alert: Alert) -> list[dict[str, Any]]:
    if alert.digest is None:
        return [webhook_payload(alert)]
    base: dict[str, Any] = {"username": USERNAME, "allowed_mentions": {"parse": []}}
    if alert.plain:
        return [{**base, "content": text} for text in digest_texts(alert.digest)]
    return [{**base, **message} for message in digest_messages(alert.digest)]


class WebhookNotifier:
    platforms = (PLATFORM,)

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._urls = dict(urls)
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._urls)

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        url = self._urls.get(alert.chat.id)
        if url is None:  # the target was removed from the configuration
            return DeliveryResult(DeliveryStatus.BLOCKED, detail=f"no webhook named {alert.chat.id}")
        payloads = webhook_payloads(alert)
        for number in range(min(alert.parts_sent, len(payloads)), len(payloads)):
            result = await self._post(url, payloads[number], alert)
            if result.status is not DeliveryStatus.SENT:
                if alert.digest is not None and result.status is DeliveryStatus.RETRY:
                    return replace(result, parts_sent=number)
                return result
            if progress is not None and number + 1 < len(payloads):
                progress(number + 1)  # a restart after a crash resumes after this part
        return DeliveryResult(DeliveryStatus.SENT)

    async def _post(self, url: str, payload: dict[str, Any], alert: Alert) -> DeliveryResult:
        try:
            response = await self._client.post(url, params={"wait": "true"}, json=payload)
        except httpx.TimeoutException:
            return DeliveryResult(DeliveryStatus.RETRY, detail="timeout")
        except httpx.HTTPError as exc:  # connection refused, reset, DNS...; the message may hold the URL
            return DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)
        except Exception as exc:
            log.exception("unexpected error posting to webhook %s", alert.chat.id)
            return DeliveryResult(DeliveryStatus.RETRY, detail=f"unexpected {type(exc).__name__}")
        return classify_response(response, alert)


def classify_response(response: httpx.Response, alert: Alert) -> DeliveryResult:
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryResult(DeliveryStatus.SENT)
    body = _json(response)
    detail = f"HTTP {status} {str(body.get('message', ''))[:200]}".strip()
    if status == 429:
        return DeliveryResult(DeliveryStatus.RETRY, retry_after=_retry_after(response, body), detail=detail)
    if status >= 500:
        return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
    if status in (401, 403, 404):  # webhook deleted (404) or its token revoked (401): stop sending
        return DeliveryResult(DeliveryStatus.BLOCKED, detail=detail)
    if status == 400 and body.get("code") == INVALID_FORM_BODY and not alert.plain:
        return DeliveryResult(DeliveryStatus.MARKUP_REJECTED, detail=detail)
    return DeliveryResult(DeliveryStatus.FAILED, detail=detail)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> float | None:
    for raw in (body.get("retry_after"), response.headers.get("Retry-After")):
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if value >= 0:
            return value
    return None
