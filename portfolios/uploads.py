"""Uploaded evidence files, checked before anything is stored or opened.

A file is accepted only when its content and its name agree on one of the allowed types: PDF, Word
(.docx, and legacy .doc), an image (PNG, JPEG or GIF) or plain text. The type is decided from the
content (the ``filetype`` sniffer and our own checks of the magic bytes), never from the name or the
browser's Content-Type; the name's extension must then match it. Programs are refused whatever they are
called. A .docx is a zip archive: its central directory is inspected with ``zipfile`` (entry count,
declared sizes, compression ratios, required parts, no macros, no encryption) before any entry is
read, and the only entry ever read is ``[Content_Types].xml``, with a bounded read.

Every file is scanned for viruses with ClamAV's daemon where one is configured (``ASYE_CLAMAV_URL``,
``asye.files.clamav``) before anything else is done with it: a file with a virus is refused, and so (failing
closed) is one the scanner could not check.

Accepted files are stored through Django's storage API (``storages["evidence"]`` when configured,
otherwise the default storage, so S3-compatible storage works in production) under a server-made name,
``employers/<employer_id>/evidence/<uuid4>``: the person's file name is kept only as metadata. How
uploads are received (the size limit while they arrive, the scan): ``UploadSizeLimitHandler`` below and
docs/portfolios.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    SkipFile,
    StopFutureHandlers,
    StopUpload,
    TemporaryFileUploadHandler,
)

from asye.audit.services import audit_record
from asye.files.clamav import ScanResult, fail_open, scan_file
from asye.files.limits import declared_too_large

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 255
# A Word document is a zip of XML parts. Real ones have tens of entries and expand a few times over;
# a zip bomb has thousands of entries, or entries that claim to expand hundreds of times.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this cannot do harm whatever their ratio
MAX_CONTENT_TYPES_BYTES = 256 * 1024
SNIFF_BYTES = 8192

MESSAGE_TYPE = "The selected file must be a PDF, Word document, image or text file"
MESSAGE_EMPTY = "The selected file is empty"
MESSAGE_CHOOSE = "Select a file"
MESSAGE_VIRUS = "The selected file contains a virus"
MESSAGE_NOT_SCANNED = "The selected file could not be checked for viruses. Try again in a few minutes"


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str  # in messages: "The selected file's name ends in .docx but it is not a Word document"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one used in download names


KINDS: dict[str, FileKind] = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "a PDF", "application/pdf", (".pdf",)),
        FileKind(
            "docx",
            "a Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileKind("doc", "a Word document", "application/msword", (".doc",)),
        FileKind("png", "a PNG image", "image/png", (".png",)),
        FileKind("jpeg", "a JPEG image", "image/jpeg", (".jpg", ".jpeg")),
        FileKind("gif", "a GIF image", "image/gif", (".gif",)),
        FileKind("txt", "a text file", "text/plain; charset=utf-8", (".txt",)),
    )
}
KIND_BY_EXTENSION = {extension: kind for kind in KINDS.values() for extension in kind.extensions}
ACCEPT_ATTRIBUTE = ",".join(KIND_BY_EXTENSION)
# What ``filetype`` may call each of our kinds (a .docx whose first entries it does not recognise is
# only a "zip" to it: our own check of the archive decides).
FILETYPE_AGREES = {
    "pdf": {"pdf"},
    "docx": {"docx", "zip"},
    "doc": {"doc", None},
    "png": {"png"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "txt": {None},
}

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
GIF_MAGICS = (b"GIF87a", b"GIF89a")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Windows (MZ), Linux (ELF), macOS (Mach-O, both byte orders and widths, and universal binaries, whose
# magic Java class files share), WebAssembly, and scripts with an interpreter line.
EXECUTABLE_MAGICS = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
    b"#!",
)
EXECUTABLE_FILETYPES = {"exe", "elf", "wasm", "dex", "crx", "deb", "rpm", "swf", "cab"}
# The name of a legacy Word file's main stream, in the OLE directory (UTF-16LE).
WORD_STREAM = "WordDocument".encode("utf-16-le")


def max_upload_bytes() -> int:
    return int(getattr(settings, "ASYE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(size: int) -> str:
    """20971520 → "20MB", as GOV.UK messages write sizes."""
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:g}MB" if megabytes == int(megabytes) else f"{megabytes:.1f}MB"
    return f"{max(1, round(size / 1024))}KB"


def too_large_message(limit: int | None = None) -> str:
    return f"The selected file must be smaller than {size_label(limit or max_upload_bytes())}"


@dataclass(frozen=True)
class VerifiedUpload:
    """What the checks found: the file's kind (by content), its size and its SHA-256."""

    kind: FileKind
    original_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid_file")


def clean_original_name(name: str) -> str:
    """The person's file name as metadata: no folders, no control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(extension)] + extension
    return name or "file"


def download_name(original_name: str, kind: FileKind) -> str:
    """A safe name to offer when the file is downloaded: the person's words in plain characters, and
    the extension of the type the content was verified as (never one the person chose)."""
    stem = os.path.splitext(clean_original_name(original_name))[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "-", stem).strip(" .-_")[:100] or "evidence"
    return f"{stem}{kind.extensions[0]}"


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _sha256_and_size(upload: UploadedFile) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


# The kinds the first bytes name, in the order they are checked (after the executables).
MAGIC_KINDS = (
    (PDF_MAGIC, "pdf"),
    (PNG_MAGIC, "png"),
    (JPEG_MAGIC, "jpeg"),
    (GIF_MAGICS, "gif"),
    (OLE_MAGIC, "ole"),
    (ZIP_MAGIC, "zip"),
)


def sniff(head: bytes) -> str | None:
    """The kind the first bytes say this is (our keys), "executable", or None when they say nothing."""
    if head.startswith(EXECUTABLE_MAGICS):
        return "executable"
    guess = filetype.guess_extension(head)
    if guess in EXECUTABLE_FILETYPES:
        return "executable"
    for magic, kind in MAGIC_KINDS:
        if head.startswith(magic):
            return kind
    if guess is not None:
        return f"other:{guess}"
    return None


def _check_docx(upload: UploadedFile) -> None:
    """A .docx must be a well-formed, modest Word package; decided from the central directory alone."""
    not_word = _refuse("The selected file is not a Word document that can be opened")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise _refuse("The selected Word document has too many parts to be checked safely")
            total = 0
            names = set()
            for entry in entries:
                if entry.flag_bits & 0x1:
                    raise _refuse(
                        "The selected Word document is protected with a password. "
                        "Remove the password and upload it again"
                    )
                total += entry.file_size
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size > ZIP_RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
                    raise _refuse(
                        "The selected Word document could not be checked safely. Save it as a PDF and "
                        "upload that instead"
                    )
                names.add(entry.filename)
            if total > MAX_ZIP_UNCOMPRESSED:
                raise _refuse(
                    "The selected Word document is too large once unpacked. Save it without large "
                    "pictures or videos, or as a PDF"
                )
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise not_word
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _refuse(
                    "The selected Word document contains macros. Save it as a Word document without "
                    "macros (.docx) and upload it again"
                )
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > MAX_CONTENT_TYPES_BYTES:
                raise not_word
            with archive.open(content_types) as stream:
                declared = stream.read(MAX_CONTENT_TYPES_BYTES + 1)
            if len(declared) > MAX_CONTENT_TYPES_BYTES:
                raise not_word
            if b"macroEnabled" in declared or b"wordprocessingml.document.main+xml" not in declared:
                raise not_word
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError):
        raise not_word from None
    finally:
        upload.seek(0)


def _is_word_ole(upload: UploadedFile) -> bool:
    """A legacy Word file is an OLE compound file with a "WordDocument" stream (an Excel or PowerPoint
    file is OLE too, with other streams)."""
    upload.seek(0)
    found = False
    tail = b""
    for chunk in upload.chunks():
        if WORD_STREAM in tail + chunk:
            found = True
            break
        tail = chunk[-len(WORD_STREAM) :]
    upload.seek(0)
    return found


def _check_text(upload: UploadedFile) -> None:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        raise _refuse(MESSAGE_TYPE)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            "The selected text file must be saved as UTF-8. Save it again as UTF-8, or as a PDF"
        ) from None


def verify_upload(upload: UploadedFile | None, *, max_bytes: int | None = None) -> VerifiedUpload:
    """Check an uploaded file; raise ``ValidationError({"file": [...]})`` with a GOV.UK message if it is
    refused. Nothing is stored and no archive entry is extracted."""
    if upload is None:
        raise _refuse(MESSAGE_CHOOSE)
    limit = max_bytes or max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise _refuse(too_large_message(limit))
    sha256, size = _sha256_and_size(upload)
    if size == 0:
        raise _refuse(MESSAGE_EMPTY)
    if size > limit:
        raise _refuse(too_large_message(limit))
    check_virus_scan(upload)

    original_name = clean_original_name(upload.name or "")
    extension = os.path.splitext(original_name)[1].lower()
    head = _read_head(upload)
    sniffed = sniff(head)
    if sniffed == "executable":
        raise _refuse(MESSAGE_TYPE)
    named = KIND_BY_EXTENSION.get(extension)
    if named is None:
        raise _refuse(MESSAGE_TYPE)

    if sniffed == "ole":
        content_kind = "doc" if _is_word_ole(upload) else None
    elif sniffed == "zip":
        content_kind = "docx"
    elif sniffed is None:
        content_kind = "txt"
    elif sniffed.startswith("other:"):
        content_kind = None
    else:
        content_kind = sniffed
    if content_kind != named.key:
        if content_kind is None:
            raise _refuse(MESSAGE_TYPE)
        raise _refuse(
            f"The selected file's name ends in {extension} but it is not {named.label}. "
            f"It looks like {KINDS[content_kind].label}: rename it, or select another file"
        )
    # The sniffer we did not write must not see something else in it either.
    if filetype.guess_extension(head) not in FILETYPE_AGREES[named.key]:
        raise _refuse(MESSAGE_TYPE)

    if named.key == "docx":
        _check_docx(upload)
    elif named.key == "txt":
        _check_text(upload)
    return VerifiedUpload(kind=named, original_name=original_name, size=size, sha256=sha256)


# --- Storage -------------------------------------------------------------------------------------------


def evidence_storage() -> Storage:
    """``storages["evidence"]`` when settings.STORAGES names one (e.g. a private S3 bucket), else the
    default storage."""
    if "evidence" in settings.STORAGES:
        return storages["evidence"]
    return default_storage


def storage_name_for(employer_id: int) -> str:
    """A new server-made name below the employer's prefix; nothing of the person's file name."""
    return f"employers/{int(employer_id)}/evidence/{uuid.uuid4()}"


STORAGE_FAILED = "The file could not be saved. Try again later"


def store_upload(upload: UploadedFile, *, employer_id: int) -> str:
    """Save a verified upload's bytes; return the storage name (refused if the storage renamed it).

    If the storage cannot take it (full, read-only, unreachable), whatever was written is removed and the
    person is told on the form (a ``ValidationError``), so the caller's transaction saves nothing either
    (fault drill "upload storage full", docs/operations.md)."""
    storage = evidence_storage()
    wanted = storage_name_for(employer_id)
    upload.seek(0)
    try:
        saved = storage.save(wanted, upload)
    except OSError as error:
        logger.error("Upload storage refused %s: %r", wanted, error)
        try:
            storage.delete(wanted)  # a partly written file
        except OSError:
            logger.warning("Could not remove the partly written %s", wanted)
        raise ValidationError({"file": STORAGE_FAILED}) from error
    if saved != wanted:
        storage.delete(saved)
        raise RuntimeError("The storage did not keep the name it was given.")
    return saved


# --- Receiving: the size limit while the file arrives, and the virus scan --------------------------------


class UploadSizeLimitHandler(TemporaryFileUploadHandler):
    """The upload handler of the pages that take evidence (first among the view's handlers, set before the
    body is read). It receives each file itself, into a temporary file, and:

    - stops once a file passes the limit: at once, without reading on, when the declared Content-Length
      shows the body must hold such a file; otherwise by skipping the rest of that file, so the form's
      later fields still arrive. The view then reports ``too_large`` on the form;
    - scans each complete file with the virus scanner (``asye.files.clamav``) and hangs the result on it
      (``virus_scan``) for ``verify_upload``; an infected file is audited here, in the request's own
      transaction, so the record stays though the service then refuses the file.
    """

    def __init__(self, request=None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes or max_upload_bytes()
        self.received = 0
        self.refuse_at_start = False
        self.body_unbounded = False
        self.too_large: set[str] = set()

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.refuse_at_start = declared_too_large(content_length, self.max_bytes)
        self.body_unbounded = content_length is None

    def new_file(self, field_name, *args, **kwargs):
        self.received = 0
        if self.refuse_at_start:
            self.too_large.add(field_name)
            raise StopUpload(connection_reset=True)
        super().new_file(field_name, *args, **kwargs)
        # This handler keeps the file: Django's own handlers get none of it.
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large.add(self.field_name)
            if self.body_unbounded:
                raise StopUpload(connection_reset=True)
            # The rest of the body is known to be small (see declared_too_large): skip this file and read
            # on, so the fields after it are kept.
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        upload.virus_scan = scan_file(upload)
        if upload.virus_scan.infected:
            _record_virus(upload, actor=getattr(self.request, "actor", None))
        return upload


def _record_virus(upload: UploadedFile, *, actor) -> None:
    sha256, size = _sha256_and_size(upload)
    name = clean_original_name(upload.name or "")
    logger.warning(
        "Refused an upload with a virus (%s): %s, sha256 %s", upload.virus_scan.signature, name, sha256
    )
    audit_record(
        actor=actor,
        action="upload.virus_found",
        employer_id=actor.employer_id if actor is not None else None,
        changes={"name": name, "size": size, "sha256": sha256, "signature": upload.virus_scan.signature},
    )


def check_virus_scan(upload: UploadedFile) -> ScanResult:
    """The scan of ``upload``: the one made as it arrived, or one made now. Refuses a file with a virus,
    and (failing closed unless ``ASYE_CLAMAV_FAIL_OPEN``) one the scanner could not check."""
    result = getattr(upload, "virus_scan", None)
    if result is None:
        result = scan_file(upload)
        if result.infected:
            # Not received through the handler (a file handed straight to a service): logged, since the
            # refusal rolls back the service's transaction and any audit event with it.
            logger.warning("Refused a file with a virus (%s): %s", result.signature, upload.name)
    if result.infected:
        raise _refuse(MESSAGE_VIRUS)
    if result.status == "unavailable" and not fail_open():
        raise _refuse(MESSAGE_NOT_SCANNED)
    return result
