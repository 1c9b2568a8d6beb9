"""Virus scanning with ClamAV's daemon (clamd), over its socket: a small client with no dependencies.

``ASYE_CLAMAV_URL`` names the daemon: ``tcp://clamav:3310`` or ``unix:///run/clamav/clamd.ctl``. Each file
is streamed to it with the INSTREAM command (4-byte big-endian chunk lengths, a zero length to end) and
the reply read back: ``stream: OK``, ``stream: <signature> FOUND``, or ``... ERROR``.

Outcomes (``ScanResult.status``):
- ``clean`` / ``infected`` (with the signature's name);
- ``unavailable``: the daemon could not be reached, timed out or answered with an error. What then
  happens is the caller's choice of fail-closed (refuse the file: the default) or fail-open
  (``ASYE_CLAMAV_FAIL_OPEN``);
- ``not_configured``: no ``ASYE_CLAMAV_URL``. Files are not scanned; ``manage.py check`` and the start-up
  log say so (``asye.files.checks``).

clamd refuses a stream longer than its ``StreamMaxLength`` (25 MB by default): keep that at least
``ASYE_UPLOAD_MAX_BYTES``, or every larger file is ``unavailable`` and, failing closed, refused.
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096
DEFAULT_TIMEOUT = 30.0


class ScannerUnavailable(Exception):
    """The daemon could not be reached, did not answer in time, or answered with an error."""


@dataclass(frozen=True)
class ScanResult:
    status: str  # "clean", "infected", "unavailable" or "not_configured"
    signature: str = ""
    detail: str = ""

    @property
    def infected(self) -> bool:
        return self.status == "infected"


@dataclass(frozen=True)
class ClamdAddress:
    kind: str  # "tcp" or "unix"
    target: str | tuple[str, int]

    @classmethod
    def parse(cls, url: str) -> ClamdAddress:
        """``tcp://host:port`` or ``unix:///path/to/socket``; ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            return cls("tcp", (parts.hostname, parts.port))
        if parts.scheme == "unix" and parts.path and not parts.netloc:
            return cls("unix", parts.path)
        raise ValueError(f"Not a clamd address (tcp://host:port or unix:///path): {url!r}")


class ClamdClient:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT):
        self.address = ClamdAddress.parse(url)
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.address.target)
            return sock
        return socket.create_connection(self.address.target, timeout=self.timeout)

    def _command(self, command: bytes, payload: Iterable[bytes] = ()) -> str:
        try:
            with self._connect() as sock:
                sock.sendall(b"z" + command + b"\0")
                for chunk in payload:
                    sock.sendall(chunk)
                return _read_reply(sock)
        except OSError as error:  # refused, reset, unreachable, timed out
            raise ScannerUnavailable(f"clamd could not be reached: {error}") from error

    def ping(self) -> bool:
        return self._command(b"PING") == "PONG"

    def scan(self, stream: BinaryIO) -> ScanResult:
        """Stream ``stream`` (from where it is) to the daemon. Raises ScannerUnavailable."""
        reply = self._command(b"INSTREAM", _instream_chunks(stream))
        return parse_reply(reply)


def _instream_chunks(stream: BinaryIO) -> Iterable[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield struct.pack("!L", len(chunk)) + chunk
    yield struct.pack("!L", 0)


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        data = sock.recv(MAX_REPLY_BYTES)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> ScanResult:
    """``stream: OK`` → clean; ``stream: Eicar-Test-Signature FOUND`` → infected; anything else (an
    ``ERROR``, such as the stream size limit, or no reply at all) raises ScannerUnavailable."""
    _, _, verdict = reply.rpartition(": ") if ": " in reply else ("", "", reply)
    if verdict == "OK":
        return ScanResult("clean")
    if verdict.endswith(" FOUND"):
        return ScanResult("infected", signature=verdict.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd answered {reply!r}")


def configured_url() -> str:
    return getattr(settings, "ASYE_CLAMAV_URL", "") or ""


def fail_open() -> bool:
    return bool(getattr(settings, "ASYE_CLAMAV_FAIL_OPEN", False))


def scan_file(stream: BinaryIO) -> ScanResult:
    """Scan an open file from its start with the configured daemon; the file is left at its start.

    Never raises for the daemon's sake: an unreachable or failing daemon gives ``unavailable``.
    """
    url = configured_url()
    if not url:
        return ScanResult("not_configured")
    stream.seek(0)
    try:
        client = ClamdClient(url, timeout=float(getattr(settings, "ASYE_CLAMAV_TIMEOUT", DEFAULT_TIMEOUT)))
        return client.scan(stream)
    except (ScannerUnavailable, ValueError) as error:
        logger.error("Virus scan failed: %s", error)
        return ScanResult("unavailable", detail=str(error))
    finally:
        stream.seek(0)
