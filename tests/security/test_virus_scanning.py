"""Uploaded files are scanned for viruses by ClamAV's daemon where one is configured (security finding
#12.11: nothing scanned them). The client is tested against a small clamd of our own on a real socket
(clean, infected, an error, unreachable, silent), the upload pages with it, and, where a real daemon is
given in ``ASYE_TEST_CLAMAV_URL``, against ClamAV itself with the EICAR test file."""

from __future__ import annotations

import os
import socket
import struct
import threading
from pathlib import Path

import pytest
from django.core.checks import Error, Info, Warning
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.files import checks
from asye.files.clamav import ClamdAddress, ClamdClient, ScannerUnavailable, parse_reply, scan_file
from portfolios.models import Evidence, EvidenceFile
from tests.portfolios.conftest import linked_registration, portfolio_of

# The EICAR anti-virus test file, put together here so that this source file is not itself "infected".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"
REAL_CLAMD = os.environ.get("ASYE_TEST_CLAMAV_URL", "")


class FakeClamd:
    """A clamd that speaks the real protocol on a real socket: ``PING``, and ``INSTREAM`` answered OK, or
    FOUND when the stream holds the EICAR string. ``mode`` "error" answers an ERROR, "silent" never
    answers."""

    def __init__(self, family=socket.AF_INET, address=("127.0.0.1", 0), mode="scan"):
        self.mode = mode
        self.received: list[bytes] = []
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address)
        self.server.listen(8)
        self.server.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        name = self.server.getsockname()
        return f"unix://{name}" if self.server.family == socket.AF_UNIX else f"tcp://{name[0]}:{name[1]}"

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(5)
                try:
                    self._handle(conn)
                except OSError:
                    pass

    def _recv_exact(self, conn, size: int) -> bytes:
        data = b""
        while len(data) < size:
            more = conn.recv(size - len(data))
            if not more:
                raise OSError("closed")
            data += more
        return data

    def _handle(self, conn):
        command = b""
        while not command.endswith(b"\0"):
            command += self._recv_exact(conn, 1)
        if command == b"zPING\0":
            conn.sendall(b"PONG\0")
            return
        assert command == b"zINSTREAM\0", command
        stream = b""
        while True:
            (length,) = struct.unpack("!L", self._recv_exact(conn, 4))
            if length == 0:
                break
            stream += self._recv_exact(conn, length)
        self.received.append(stream)
        if self.mode == "silent":
            self.stopping.wait(3)
        elif self.mode == "error":
            conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in stream:
            conn.sendall(f"stream: {SIGNATURE} FOUND\0".encode())
        else:
            conn.sendall(b"stream: OK\0")

    def close(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def clamd():
    server = FakeClamd()
    yield server
    server.close()


@pytest.fixture
def unused_port_url():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return f"tcp://127.0.0.1:{port}"


def as_file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.txt", data)


# --- The client -----------------------------------------------------------------------------------------


def test_a_clean_file_is_clean_and_arrives_whole(clamd):
    data = b"Notes from my visit.\n" * 10_000  # several INSTREAM chunks
    result = ClamdClient(clamd.url).scan(as_file(data))
    assert (result.status, result.signature) == ("clean", "")
    assert clamd.received == [data]


def test_the_eicar_file_is_infected_and_named(clamd):
    result = ClamdClient(clamd.url).scan(as_file(EICAR))
    assert result.infected and result.signature == SIGNATURE


def test_the_client_speaks_to_a_unix_socket_too(tmp_path):
    server = FakeClamd(family=socket.AF_UNIX, address=str(tmp_path / "clamd.sock"))
    try:
        assert server.url.startswith("unix://")
        assert ClamdClient(server.url).ping()
        assert ClamdClient(server.url).scan(as_file(EICAR)).infected
    finally:
        server.close()


def test_a_daemon_that_cannot_be_reached_is_unavailable(unused_port_url):
    with pytest.raises(ScannerUnavailable):
        ClamdClient(unused_port_url, timeout=2).scan(as_file(b"hello"))


def test_a_daemon_that_answers_an_error_is_unavailable():
    server = FakeClamd(mode="error")
    try:
        with pytest.raises(ScannerUnavailable, match="size limit exceeded"):
            ClamdClient(server.url).scan(as_file(b"hello"))
    finally:
        server.close()


def test_a_daemon_that_never_answers_times_out():
    server = FakeClamd(mode="silent")
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdClient(server.url, timeout=0.5).scan(as_file(b"hello"))
    finally:
        server.close()


@pytest.mark.parametrize(
    ("reply", "status", "signature"),
    [
        ("stream: OK", "clean", ""),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", "infected", "Win.Test.EICAR_HDB-1"),
        ("1: stream: OK", "clean", ""),
    ],
)
def test_replies_are_read(reply, status, signature):
    result = parse_reply(reply)
    assert (result.status, result.signature) == (status, signature)


@pytest.mark.parametrize(
    "reply", ["", "INSTREAM size limit exceeded. ERROR", "stream: lstat() failed. ERROR"]
)
def test_anything_else_is_unavailable(reply):
    with pytest.raises(ScannerUnavailable):
        parse_reply(reply)


def test_addresses():
    assert ClamdAddress.parse("tcp://clamav:3310") == ClamdAddress("tcp", ("clamav", 3310))
    assert ClamdAddress.parse("unix:///run/clamav/clamd.ctl") == ClamdAddress("unix", "/run/clamav/clamd.ctl")
    for bad in ("clamav:3310", "tcp://clamav", "http://clamav:3310", "unix://host/path"):
        with pytest.raises(ValueError, match="Not a clamd address"):
            ClamdAddress.parse(bad)


def test_scan_file_follows_the_settings(settings, clamd, unused_port_url):
    settings.ASYE_CLAMAV_URL = ""
    assert scan_file(as_file(EICAR)).status == "not_configured"
    settings.ASYE_CLAMAV_URL = clamd.url
    upload = as_file(EICAR)
    upload.read(5)
    assert scan_file(upload).infected  # from the start, whatever had been read
    assert upload.tell() == 0
    settings.ASYE_CLAMAV_URL = unused_port_url
    assert scan_file(as_file(b"hello")).status == "unavailable"


# --- Uploads through the pages --------------------------------------------------------------------------


@pytest.fixture
def nqsw_page(client, login, employer_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    registration = linked_registration(employer_a)
    portfolio_of(employer_a, registration)
    login(employer_a.nqsw)
    return reverse("portfolios:evidence_add", args=[registration.pk])


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_an_infected_upload_is_refused_with_a_clear_message_and_audited(
    client, nqsw_page, employer_a, settings, clamd, unscoped
):
    settings.ASYE_CLAMAV_URL = clamd.url
    response = client.post(
        nqsw_page, {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", EICAR)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "The selected file contains a virus" in html
    assert stored_files(settings) == []
    with unscoped():
        assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
        event = AuditEvent.objects.get(action="upload.virus_found")
    assert event.employer_id == employer_a.employer.pk and event.actor_user_id == employer_a.nqsw.pk
    assert event.changes["signature"] == SIGNATURE and event.changes["name"] == "notes.txt"
    assert len(event.changes["sha256"]) == 64


@pytest.mark.django_db
def test_a_clean_upload_is_scanned_then_stored(client, nqsw_page, settings, clamd, unscoped):
    settings.ASYE_CLAMAV_URL = clamd.url
    response = client.post(
        nqsw_page,
        {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", b"Notes from my visit.\n")},
    )
    assert response.status_code == 302
    assert clamd.received == [b"Notes from my visit.\n"]
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_when_the_scanner_is_down_uploads_are_refused(client, nqsw_page, settings, unused_port_url, unscoped):
    settings.ASYE_CLAMAV_URL = unused_port_url
    response = client.post(
        nqsw_page, {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", b"hello")}
    )
    assert "The selected file could not be checked for viruses. Try again in a few minutes" in (
        response.content.decode()
    )
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_failing_open_stores_unscanned_files_when_the_scanner_is_down(
    client, nqsw_page, settings, unused_port_url
):
    settings.ASYE_CLAMAV_URL = unused_port_url
    settings.ASYE_CLAMAV_FAIL_OPEN = True
    response = client.post(
        nqsw_page, {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", b"hello")}
    )
    assert response.status_code == 302
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_with_no_scanner_configured_files_are_stored_unscanned(client, nqsw_page, settings):
    settings.ASYE_CLAMAV_URL = ""
    response = client.post(
        nqsw_page, {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", b"hello")}
    )
    assert response.status_code == 302


# --- Saying whether files are scanned -------------------------------------------------------------------


def test_check_says_when_no_scanner_is_configured(settings):
    settings.ASYE_CLAMAV_URL = ""
    settings.DEBUG, settings.TESTING = True, False
    assert [type(m) for m in checks.virus_scanner_configured()] == [Info]
    settings.DEBUG = False
    (message,) = checks.virus_scanner_configured()
    assert isinstance(message, Warning) and message.id == "asye.files.W001"
    assert "stored without being scanned" in message.msg


def test_check_refuses_a_malformed_address_and_warns_of_failing_open(settings):
    settings.ASYE_CLAMAV_URL = "clamav:3310"
    assert [(type(m), m.id) for m in checks.virus_scanner_configured()] == [(Error, "asye.files.E001")]
    settings.ASYE_CLAMAV_URL = "tcp://clamav:3310"
    assert checks.virus_scanner_configured() == []
    settings.ASYE_CLAMAV_FAIL_OPEN = True
    assert [m.id for m in checks.virus_scanner_fails_closed()] == ["asye.files.W002"]


# --- ClamAV itself ---------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not REAL_CLAMD,
    reason="no ClamAV daemon: set ASYE_TEST_CLAMAV_URL (tcp://host:3310 or unix:///path) to scan the EICAR "
    "test file with it (docs/operations.md, 'Virus scanning')",
)
def test_clamav_itself_finds_the_eicar_test_file():
    client = ClamdClient(REAL_CLAMD)
    assert client.ping()
    assert client.scan(as_file(b"Notes from my visit.\n")).status == "clean"
    result = client.scan(as_file(EICAR))
    assert result.infected and "eicar" in result.signature.lower()


@pytest.mark.skipif(not REAL_CLAMD, reason="no ClamAV daemon: set ASYE_TEST_CLAMAV_URL")
@pytest.mark.django_db
def test_an_eicar_upload_is_refused_by_clamav_itself(client, nqsw_page, settings, unscoped):
    settings.ASYE_CLAMAV_URL = REAL_CLAMD
    response = client.post(
        nqsw_page, {"title": "Visit notes", "file": SimpleUploadedFile("notes.txt", EICAR)}
    )
    assert "The selected file contains a virus" in response.content.decode()
    assert stored_files(settings) == []
    with unscoped():
        assert AuditEvent.objects.filter(action="upload.virus_found").count() == 1
