"""Files for upload tests: small valid ones of each allowed type, and the disguises they must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
RELS_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>My reflection on a home visit.</w:t></w:r></w:p></w:body></w:document>"
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
    )


def gif_bytes() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def docx_bytes(
    *,
    extra: dict[str, bytes] | None = None,
    content_types: bytes = CONTENT_TYPES_XML,
    document: bool = True,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    entries = {"[Content_Types].xml": content_types, "_rels/.rels": RELS_XML}
    if document:
        entries["word/document.xml"] = DOCUMENT_XML
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in [*entries.items(), *(extra or {}).items()]:
            # A fixed time, not the clock's: the same bytes in every process, since they name parametrized
            # tests, which every pytest-xdist worker must collect alike (scripts/test).
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 9, 0, 0))
            entry.external_attr = 0o600 << 16  # as writestr gives an entry named by a string
            archive.writestr(entry, data, compress_type=compression)
    return buffer.getvalue()


def docx_with_many_entries(count: int = 1200) -> bytes:
    return docx_bytes(extra={f"word/media/part{i}.xml": b"<x/>" for i in range(count)})


def docx_with_huge_ratio(megabytes: int = 60) -> bytes:
    """A real zip bomb in miniature: one entry of zeros that deflates over a thousand times."""
    return docx_bytes(extra={"word/media/padding.bin": b"\x00" * (megabytes * 1024 * 1024)})


def docx_declaring_huge_size() -> bytes:
    """A package whose central directory claims an entry expands to about 2GB (the bytes lie)."""
    data = bytearray(docx_bytes(extra={"word/media/big.bin": b"tiny"}, compression=zipfile.ZIP_STORED))
    # Central directory header of the last entry: uncompressed size is at offset 24 from its signature.
    header = data.rfind(b"PK\x01\x02")
    data[header + 24 : header + 28] = struct.pack("<I", 0x7FFF0000)
    return bytes(data)


def doc_bytes(stream: str = "WordDocument") -> bytes:
    """An OLE compound file's header with the named stream in its directory (Word's is WordDocument)."""
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    data += b"\xec\xa5\xc1\x00" + b"\x00" * 508
    data += stream.encode("utf-16-le") + b"\x00" * (512 - len(stream) * 2)
    return bytes(data)


def windows_executable() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 48
        + b"PE\x00\x00"
        + b"\x00" * 200
    )


def linux_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
