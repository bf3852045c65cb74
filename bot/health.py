"""A status a supervisor can poll: ``GET http://127.0.0.1:HEALTH_PORT/health`` returns JSON.

    {"status": "ok" | "degraded", "pending_alerts": 0, "oldest_pending_seconds": null,
     "faq_entries": 34, "faq_loaded_at": "2026-01-01T10:00:00Z", "last_update_at": "..."}

HTTP 200 when ``status`` is "ok", 503 when "degraded" (a staff alert has been waiting for delivery
longer than the threshold), so a plain ``curl -f`` or a Docker HEALTHCHECK works. It listens on
loopback only and never shows patient data. A tiny ``asyncio.start_server`` responder: no web
framework for one read-only endpoint.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime, timezone
from typing import Callable

log = logging.getLogger(__name__)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Health:
    """What the status reports; the bot updates it as it works."""

    def __init__(self, pending_error_seconds: float):
        self.pending_error_seconds = pending_error_seconds
        self.faq_loaded_at: float | None = None
        self.last_update_at: float | None = None

    def mark_update(self, now: float | None = None) -> None:
        self.last_update_at = now or time.time()

    def mark_faq_loaded(self, now: float | None = None) -> None:
        self.faq_loaded_at = now or time.time()

    def snapshot(self, pending: int, oldest_pending_seconds: float | None, faq_entries: int) -> dict:
        degraded = oldest_pending_seconds is not None and oldest_pending_seconds > self.pending_error_seconds
        return {
            "status": "degraded" if degraded else "ok",
            "pending_alerts": pending,
            "oldest_pending_seconds": None if oldest_pending_seconds is None else round(oldest_pending_seconds, 1),
            "faq_entries": faq_entries,
            "faq_loaded_at": iso(self.faq_loaded_at),
            "last_update_at": iso(self.last_update_at),
        }


class HealthServer:
    """Serves ``status()`` as JSON on GET /health (and /); anything else is 404."""

    def __init__(self, port: int, status: Callable[[], dict], host: str = "127.0.0.1"):
        self.host, self.port, self.status = host, port, status
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # port 0 picks a free one (tests)
        log.info("health status on http://%s:%d/health", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass  # headers are not needed
            parts = request.decode("latin-1").split()
            path = parts[1].split("?", 1)[0] if len(parts) >= 2 else ""
            if len(parts) >= 2 and parts[0] in ("GET", "HEAD") and path in ("/", "/health"):
                body = self.status()
                code = "200 OK" if body.get("status") == "ok" else "503 Service Unavailable"
            else:
                body, code = {"error": "not found; try GET /health"}, "404 Not Found"
            data = json.dumps(body).encode()
            head = (f"HTTP/1.1 {code}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode()
            writer.write(head + (b"" if parts and parts[0] == "HEAD" else data))
            await writer.drain()
        except Exception:  # a bad probe must never disturb the bot
            log.warning("health request failed", exc_info=True)
        finally:
            writer.close()
