"""The legacy import streams: rows are read one at a time and staged in chunks, so what it holds does not
grow with the file; a bad row anywhere (in any chunk, or found only across chunks) still saves nothing;
the result does not depend on where the chunks fall."""

from __future__ import annotations

import io
import types

import pytest

import programmes.legacy_stage
from asye.audit.models import AuditEvent
from programmes.csv_rows import CsvFileError, check_csv_file
from programmes.legacy_import import (
    EMPLOYER_COLUMNS,
    REGISTRATION_COLUMNS,
    ImportRefused,
    import_portal_export,
)
from programmes.legacy_rows import export_file, iter_export_rows
from programmes.legacy_stage import Stage
from tests.programmes.test_legacy_import import EMPLOYERS, REGISTRATIONS, csv_bytes, everything, run

pytestmark = pytest.mark.django_db


def many_rows(count: int) -> list[str]:
    """``count`` good registration rows of E001, all completed (so no two are in progress together)."""
    return [
        f"M{n},E001,adults,2023-24,Max,Mill,SW2{n:06d},,2023-07-01,2023-09-04,Female,White,0,passed"
        for n in range(count)
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    """Stage two rows at a time, recording the size of every chunk written."""
    monkeypatch.setattr(programmes.legacy_stage, "CHUNK_ROWS", 2)
    chunks: list[int] = []
    real = Stage.flush

    def flush(self):
        chunks.append(len(self._buffer))
        real(self)

    monkeypatch.setattr(Stage, "flush", flush)
    return chunks


def test_the_rows_are_read_one_at_a_time():
    rows = many_rows(3000)
    stream = export_file(csv_bytes(REGISTRATION_COLUMNS, rows))
    check_csv_file(stream, what="registrations.csv")
    reader = iter_export_rows(stream, "registrations.csv", REGISTRATION_COLUMNS)
    assert isinstance(reader, types.GeneratorType)
    first = next(reader)
    assert (first.line, first.values["registration_ref"]) == (2, "M0")
    # Only the first buffer's worth of the file has been read, not the file.
    assert stream.tell() < len(stream.getvalue()) / 4
    assert sum(1 for _ in reader) == 2999


def test_the_rows_are_staged_in_chunks_and_the_result_does_not_depend_on_them(small_chunks, unscoped):
    rows = [*REGISTRATIONS, *many_rows(7)]
    result = run(registrations=rows)
    assert result.registrations.as_dict() == {"created": 12, "updated": 0, "unchanged": 0}
    assert result.equality.created == 12
    # Never more than a chunk held: 12 rows went in chunks of two.
    assert max(small_chunks) == 2 and sum(small_chunks) == 12
    before = everything(unscoped)
    again = run(registrations=rows)
    assert again.registrations.as_dict() == {"created": 0, "updated": 0, "unchanged": 12}
    assert everything(unscoped) == before


@pytest.mark.parametrize("where", [0, 5, 11])
def test_a_bad_row_in_any_chunk_saves_nothing(small_chunks, unscoped, where):
    rows = [*REGISTRATIONS, *many_rows(7)]
    rows[where] = rows[where].replace(",SW", ",XX")
    with pytest.raises(ImportRefused) as refused:
        run(registrations=rows)
    [bad] = refused.value.bad_rows
    assert bad.line == where + 2 and "is not in the format SW123456" in bad.reasons[0]
    assert everything(unscoped) == ([], [], [])
    with unscoped():
        assert not AuditEvent.objects.filter(action="legacy_import.completed").exists()


def test_problems_across_chunks_are_found_and_save_nothing(small_chunks, unscoped):
    rows = [
        *REGISTRATIONS,
        *many_rows(6),
        # The first row's reference again, five chunks later.
        REGISTRATIONS[0].replace("SW100001", "SW100099"),
        # R5's NQSW in progress again at the same employer, under another reference.
        REGISTRATIONS[4].replace("R5,", "R55,"),
    ]
    with pytest.raises(ImportRefused) as refused:
        run(registrations=rows)
    report = {b.line: b.reasons for b in refused.value.bad_rows}
    assert report == {
        13: ("registration_ref R1 of employer E001 is also on line 2",),
        14: ("SW100005 is also in progress with employer E003 on line 6",),
    }
    assert everything(unscoped) == ([], [], [])


def test_a_file_bad_part_way_through_is_refused_as_a_whole(unscoped):
    body = csv_bytes(REGISTRATION_COLUMNS, [*REGISTRATIONS[:2], "R9,E001,adults,2023-24,J\xe9r\xf4me"])
    broken = body.replace("J\xe9r\xf4me".encode(), "J\xe9r\xf4me".encode("latin-1"))
    with pytest.raises(ImportRefused) as refused:
        import_portal_export(employers_csv=csv_bytes(EMPLOYER_COLUMNS, EMPLOYERS), registrations_csv=broken)
    assert [str(b) for b in refused.value.bad_rows] == [
        "registrations.csv: registrations.csv must be saved as UTF-8 (line 4 is not). Save it as "
        "'CSV UTF-8 (comma delimited)' and try again"
    ]
    assert everything(unscoped) == ([], [], [])


def test_the_file_check_reads_an_open_file_and_leaves_it_at_its_start():
    stream = io.BytesIO(b"\xef\xbb\xbfa,b\n1,2\n")
    digest = check_csv_file(stream, what="x.csv")
    assert len(digest) == 64 and stream.tell() == 0
    with pytest.raises(CsvFileError, match="is empty"):
        check_csv_file(io.BytesIO(b" \n\r\n"), what="x.csv")
    with pytest.raises(CsvFileError, match="UTF-16"):
        check_csv_file(io.BytesIO(b"a,b\n1,2\n3,\x00\n"), what="x.csv")


def test_the_command_imports_from_the_files_it_is_given(tmp_path, unscoped, capsys):
    from django.core.management import call_command

    employers, registrations = tmp_path / "e.csv", tmp_path / "r.csv"
    employers.write_bytes(csv_bytes(EMPLOYER_COLUMNS, EMPLOYERS))
    registrations.write_bytes(csv_bytes(REGISTRATION_COLUMNS, [*REGISTRATIONS, *many_rows(3)]))
    call_command("import_portal_export", "--employers", str(employers), "--registrations", str(registrations))
    assert "Registrations: 8 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    with unscoped():
        event = AuditEvent.objects.get(action="legacy_import.completed")
    # The files are named as given, with their digests read while streaming.
    assert set(event.changes["files"]) == {"e.csv", "r.csv"}
