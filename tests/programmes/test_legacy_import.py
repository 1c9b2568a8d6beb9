"""The legacy portal import: mapping, idempotence, all-or-nothing refusal with line numbers."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from asye.audit.models import AuditEvent
from asye.tenancy.models import Employer, EmployerType, Region
from equality.models import EqualityMonitoring
from programmes.legacy_import import (
    EMPLOYER_COLUMNS,
    REGISTRATION_COLUMNS,
    ImportRefused,
    age_band,
    import_portal_export,
    map_ethnicity,
    map_gender,
)
from programmes.models import FundingStatus, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

EMPLOYERS = [
    "E001,Northshire County Council,Local authority,North East",
    'E002,Kindly Care Trust,"Private, voluntary and independent (PVI)",Yorkshire and Humber',
    "E003,Harbour Fostering,Fostering,London",
]

REGISTRATIONS = [
    # ref, employer, area, cohort, first, last, swe, dob, qualified, start, gender, ethnicity, deferrals, outcome
    "R1,E001,child_and_family,2023-24,Amira,Khan,SW100001,1998-05-01,2023-07-01,2023-09-04,Female,Asian or Asian British - Pakistani,0,passed",
    "R2,E001,adults,2023-24,Ben,Cole,sw100002,1970-01-15,2023-06-30,2023-10-02,Male,White - British,1,unsuccessful",
    "R3,E002,adults,2022-23,Chloe,Diaz,SW100003,,2022-07-01,2022-09-05,,,,withdrawn",
    "R4,E003,child_and_family,2024-25,Dev,Patel,SW100004,1990-02-28,2024-06-01,2024-09-02,Non-binary,Martian,2,in_progress",
    "R5,E003,child_and_family,2024-25,Ema,Okoro,SW100005,2000-12-31,2024-07-01,2024-09-02,F,Black,0,",
]


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header), *rows]) + "\n").encode()


def run(employers=EMPLOYERS, registrations=REGISTRATIONS, **kwargs):
    return import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, employers),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, registrations),
        today=datetime.date(2026, 11, 23),
        **kwargs,
    )


def registration(ref, unscoped):
    with unscoped():
        return Registration.objects.select_related("employer", "framework_version__framework").get(
            legacy_ref=ref
        )


def equality(ref, unscoped):
    with unscoped():
        return EqualityMonitoring.objects.get(registration__legacy_ref=ref)


def everything(unscoped):
    """Every row the import writes, for comparing before and after."""
    from django.forms.models import model_to_dict

    with unscoped():
        return (
            [model_to_dict(e) for e in Employer.objects.order_by("pk")],
            [model_to_dict(r) | {"u": r.updated_at} for r in Registration.objects.order_by("pk")],
            [model_to_dict(e) | {"u": e.updated_at} for e in EqualityMonitoring.objects.order_by("pk")],
        )


def test_good_files_import_with_counts_and_mapping(unscoped):
    result = run()
    assert result.employers.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.registrations.as_dict() == {"created": 5, "updated": 0, "unchanged": 0}
    assert result.equality.as_dict() == {"created": 5, "updated": 0, "unchanged": 0}

    with unscoped():
        kindly = Employer.objects.get(legacy_ref="E002")
        north = Employer.objects.get(legacy_ref="E001")
    assert kindly.employer_type == EmployerType.PVI and kindly.region == Region.YORKSHIRE_AND_HUMBER
    assert kindly.serves_adults and not kindly.serves_child_and_family
    assert north.serves_adults and north.serves_child_and_family

    r1 = registration("R1", unscoped)
    assert r1.employer == north and r1.swe_number == "SW100001"
    assert (r1.status, r1.outcome) == (RegistrationStatus.COMPLETED, "passed")
    assert r1.funding_year == "2023-24" and r1.funding_status == FundingStatus.APPROVED
    assert r1.framework_version.framework.code == "asye-child-family"
    assert r1.contracted_hours == r1.framework_version.full_time_hours
    r2 = registration("R2", unscoped)
    assert (r2.status, r2.outcome, r2.legacy_deferrals) == (RegistrationStatus.COMPLETED, "unsuccessful", 1)
    assert r2.swe_number == "SW100002" and r2.framework_version.framework.code == "asye-adults"
    r3 = registration("R3", unscoped)
    assert r3.status == RegistrationStatus.WITHDRAWN and r3.outcome == "" and r3.legacy_deferrals == 0
    assert registration("R4", unscoped).status == RegistrationStatus.ACTIVE
    assert registration("R5", unscoped).status == RegistrationStatus.ACTIVE

    e1 = equality("R1", unscoped)
    assert (e1.gender, e1.age_band, e1.ethnic_group, e1.ethnicity_detail) == (
        "female",
        "25_34",
        "asian",
        "pakistani",
    )
    assert e1.source == EqualityMonitoring.Source.LEGACY_IMPORT and e1.employer_id == north.pk
    assert e1.nationality == "prefer_not_to_say" and e1.disability == "prefer_not_to_say"
    e2 = equality("R2", unscoped)
    assert (e2.gender, e2.age_band, e2.ethnic_group) == ("male", "45_54", "white")
    assert e2.ethnicity_detail == "english_welsh_scottish_ni_british"  # equality's code
    e3 = equality("R3", unscoped)  # nothing recorded
    assert (e3.gender, e3.age_band, e3.ethnic_group) == ("prefer_not_to_say",) * 3
    e4 = equality("R4", unscoped)  # an unknown ethnicity is not guessed at
    assert (e4.gender, e4.ethnic_group) == ("other", "prefer_not_to_say")
    assert result.unrecognised == {"ethnicity": {"Martian": 1}}
    e5 = equality("R5", unscoped)
    assert (e5.gender, e5.age_band, e5.ethnic_group, e5.ethnicity_detail) == (
        "female",
        "under_25",
        "black",
        "",
    )

    with unscoped():
        events = list(AuditEvent.objects.filter(action="legacy_import.completed"))
        assert AuditEvent.objects.filter(action__startswith="registration.").count() == 0
    assert len(events) == 1
    assert events[0].employer_id is None
    assert events[0].changes["registrations"] == {"created": 5, "updated": 0, "unchanged": 0}


def test_a_second_run_changes_nothing(unscoped):
    run()
    before = everything(unscoped)
    result = run()
    assert result.employers.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    assert result.registrations.as_dict() == {"created": 0, "updated": 0, "unchanged": 5}
    assert result.equality.as_dict() == {"created": 0, "updated": 0, "unchanged": 5}
    assert everything(unscoped) == before


def test_a_changed_file_updates_only_what_changed(unscoped):
    run()
    r1_before = registration("R1", unscoped)
    r2_before = registration("R2", unscoped)
    changed = list(REGISTRATIONS)
    changed[1] = changed[1].replace("Ben,Cole", "Benjamin,Cole").replace(",Male,", ",Female,")
    employers = list(EMPLOYERS)
    employers[2] = "E003,Harbour Fostering,Fostering,South East"
    result = run(employers=employers, registrations=changed)
    assert result.employers.as_dict() == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.registrations.as_dict() == {"created": 0, "updated": 1, "unchanged": 4}
    assert result.equality.as_dict() == {"created": 0, "updated": 1, "unchanged": 4}
    r2 = registration("R2", unscoped)
    assert r2.first_name == "Benjamin" and r2.version == r2_before.version + 1
    assert equality("R2", unscoped).gender == "female"
    r1 = registration("R1", unscoped)
    assert (r1.version, r1.updated_at) == (r1_before.version, r1_before.updated_at)
    with unscoped():
        assert Employer.objects.get(legacy_ref="E003").region == Region.SOUTH_EAST


def test_a_bad_registration_row_refuses_everything_with_its_line_and_reasons(unscoped):
    rows = list(REGISTRATIONS)
    rows[2] = rows[2].replace("SW100003", "100003").replace("2022-09-05", "2023-09-05")
    with pytest.raises(ImportRefused) as refused:
        run(registrations=rows)
    [bad] = refused.value.bad_rows
    assert (bad.file, bad.line) == ("registrations.csv", 4)
    assert bad.reasons == (
        "Social Work England number '100003' is not in the format SW123456",
        "The start date 2023-09-05 is not in the 2022-23 cohort (2022-04-01 to 2023-03-31)",
    )
    assert str(bad).startswith("registrations.csv line 4: Social Work England number")
    assert everything(unscoped) == ([], [], [])
    with unscoped():
        assert not AuditEvent.objects.filter(action="legacy_import.completed").exists()


def test_a_bad_employer_row_refuses_everything(unscoped):
    employers = list(EMPLOYERS)
    employers[1] = "E002,Kindly Care Trust,Charity,Yorkshire"
    with pytest.raises(ImportRefused) as refused:
        run(employers=employers)
    [bad] = refused.value.bad_rows
    assert (bad.file, bad.line) == ("employers.csv", 3)
    assert bad.reasons[0].startswith("Unknown employer_type 'Charity': use one of Local authority;")
    assert bad.reasons[1].startswith("Unknown region 'Yorkshire': use one of North East;")
    assert everything(unscoped) == ([], [], [])


def test_every_bad_row_in_both_files_is_reported(unscoped):
    employers = [*EMPLOYERS, "E001,Another Council,Local authority,London"]
    rows = [
        *REGISTRATIONS,
        "R6,E999,adults,2023-24,Fay,Green,SW100006,,2023-06-01,2023-09-04,,,0,passed",
        "R7,E001,adults,2023-24,Gus,Hall,SW100007,,,2023-09-04,,,3,graduated",
        "R1,E001,adults,2023-24,Amira,Khan,SW100001,,2023-07-01,2023-09-04,,,0,passed",
        "R8,E001,adults,2023-24,Hal,Ives,SW100008,2010-01-01,2023-07-01,2023-06-04,,,0,",
        "R9,E002,adults,2023,Ivy,Jones,SW100009,,2023-07-01,2023-09-04,,,0,",
        "R10,E002,youth,2023-24,Jo,King,SW100010,,2023-07-01,04/09/2023,,,0,",
    ]
    with pytest.raises(ImportRefused) as refused:
        run(employers=employers, registrations=rows)
    report = {(b.file, b.line): b.reasons for b in refused.value.bad_rows}
    assert report[("employers.csv", 5)] == ("employer_ref E001 is also on line 2",)
    assert report[("registrations.csv", 7)] == (
        "Unknown employer_ref 'E999': it is neither in employers.csv nor on the platform",
    )
    assert report[("registrations.csv", 8)] == (
        "Enter the qualification date: the platform needs it",
        "deferrals '3' must be 0, 1 or 2",
        "Unknown outcome 'graduated': use in_progress, passed, unsuccessful, withdrawn or leave it empty",
    )
    assert report[("registrations.csv", 9)] == ("registration_ref R1 of employer E001 is also on line 2",)
    assert report[("registrations.csv", 10)] == (
        "The start date is before the qualification date",
        "The date of birth makes the NQSW younger than 18 at the start date",
    )
    assert report[("registrations.csv", 11)] == ("Cohort '2023' is not a funding year like 2023-24",)
    assert report[("registrations.csv", 12)] == (
        "Unknown service_area 'youth': use child_and_family or adults",
        "Start date '04/09/2023' is not a date: use YYYY-MM-DD",
    )
    assert len(report) == 7
    assert everything(unscoped) == ([], [], [])


def test_missing_columns_and_unreadable_files_are_refused(unscoped):
    with pytest.raises(ImportRefused) as refused:
        import_portal_export(
            employers_csv=b"employer_ref,name\nE1,X\n",
            registrations_csv=b"\xff\xfe\x00\x00",
        )
    report = [str(b) for b in refused.value.bad_rows]
    assert report == [
        "registrations.csv: registrations.csv must be a CSV file saved as UTF-8. It looks like UTF-16 or "
        "another binary format: save it as 'CSV UTF-8 (comma delimited)' and try again",
    ]
    with pytest.raises(ImportRefused) as refused:
        import_portal_export(
            employers_csv=b"employer_ref,name\nE1,X\n",
            registrations_csv=csv_bytes(REGISTRATION_COLUMNS, REGISTRATIONS),
        )
    assert str(refused.value.bad_rows[0]).startswith(
        "employers.csv: employers.csv is missing the columns employer_type, region"
    )
    assert everything(unscoped) == ([], [], [])


def test_a_second_in_progress_registration_of_one_nqsw_at_one_employer_is_refused(unscoped):
    rows = [*REGISTRATIONS, REGISTRATIONS[4].replace("R5,", "R55,").replace(",0,", ",1,")]
    with pytest.raises(ImportRefused) as refused:
        run(registrations=rows)
    [bad] = refused.value.bad_rows
    assert bad.line == 7
    assert bad.reasons == ("SW100005 is also in progress with employer E003 on line 6",)


def test_registrations_for_employers_imported_earlier_need_no_employers_row(unscoped):
    run()
    more = ["R6,E002,adults,2024-25,Fay,Green,SW100006,,2024-06-01,2024-09-04,,,0,in_progress"]
    result = import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, [EMPLOYERS[0]]),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, more),
    )
    assert result.registrations.created == 1
    assert registration("R6", unscoped).employer.legacy_ref == "E002"


def test_an_employer_already_on_the_platform_is_linked_by_name(employer_a, unscoped):
    name = employer_a.employer.name
    employers = [f"E009,{name},Local authority,North West"]
    rows = ["R1,E009,child_and_family,2023-24,Amira,Khan,SW100001,,2023-07-01,2023-09-04,,,0,passed"]
    result = run(employers=employers, registrations=rows)
    assert result.employers.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    with unscoped():
        employer = Employer.objects.get(pk=employer_a.employer.pk)
    assert employer.legacy_ref == "E009"
    assert registration("R1", unscoped).employer_id == employer_a.employer.pk
    assert run(employers=employers, registrations=rows).employers.unchanged == 1


def test_an_nqsw_in_progress_on_the_platform_is_not_registered_twice(register, employer_a, unscoped):
    register(employer_a, swe_number="SW100001")
    name = employer_a.employer.name
    rows = ["R1,E009,adults,2024-25,Amira,Khan,SW100001,,2023-07-01,2024-09-04,,,0,in_progress"]
    with pytest.raises(ImportRefused) as refused:
        run(employers=[f"E009,{name},Local authority,North West"], registrations=rows)
    assert refused.value.bad_rows[0].reasons == (
        "SW100001 already has a registration in progress with employer E009 on the platform",
    )


def test_equality_answers_the_nqsw_gave_are_kept(unscoped):
    run()
    with unscoped():
        EqualityMonitoring.objects.filter(registration__legacy_ref="R1").update(
            source=EqualityMonitoring.Source.SELF, gender="other"
        )
    result = run()
    assert result.equality_kept_self == 1 and result.equality.updated == 0
    assert equality("R1", unscoped).gender == "other"


def test_types_and_regions_as_the_report_spells_them():
    from programmes.legacy_rows import EMPLOYER_TYPES, REGIONS
    from programmes.legacy_rows import spelling_key as _key

    for label in [
        "Local authority",
        "Private, voluntary and independent (PVI)",
        "Fostering",
        "NHS",
        "School",
    ]:
        assert _key(label) in EMPLOYER_TYPES
    for label in [
        "North East",
        "North West",
        "Yorkshire and Humber",
        "East of England",
        "East Midlands",
        "West Midlands",
        "South East",
        "South West",
        "London",
    ]:
        assert _key(label) in REGIONS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("White", ("white", "", True)),
        ("White: Irish", ("white", "irish", True)),
        ("Mixed - White and Black Caribbean", ("mixed", "white_and_black_caribbean", True)),
        ("Black or Black British - African", ("black", "african", True)),
        ("Chinese", ("asian", "chinese", True)),
        ("Arab", ("other", "arab", True)),
        ("Prefer not to say", ("prefer_not_to_say", "", True)),
        ("", ("prefer_not_to_say", "", True)),
        ("BME", ("prefer_not_to_say", "", False)),
        ("Other", ("prefer_not_to_say", "", False)),
    ],
)
def test_ethnicity_mapping_is_conservative(raw, expected):
    assert map_ethnicity(raw) == expected


def test_gender_and_age_mapping():
    assert map_gender("FEMALE") == ("female", True)
    assert map_gender("Transgender") == ("prefer_not_to_say", False)
    start = datetime.date(2023, 9, 4)
    assert age_band(datetime.date(1998, 9, 5), start) == "under_25"  # 24 the day before their birthday
    assert age_band(datetime.date(1998, 9, 4), start) == "25_34"
    assert age_band(datetime.date(1968, 9, 4), start) == "55_plus"
    assert age_band(None, start) == "prefer_not_to_say"


def test_the_command(tmp_path, national_staff, unscoped, capsys):
    employers = tmp_path / "employers.csv"
    registrations = tmp_path / "registrations.csv"
    employers.write_bytes(csv_bytes(EMPLOYER_COLUMNS, EMPLOYERS))
    registrations.write_bytes(csv_bytes(REGISTRATION_COLUMNS, REGISTRATIONS))
    call_command(
        "import_portal_export",
        "--employers",
        str(employers),
        "--registrations",
        str(registrations),
        "--run-by",
        national_staff.email,
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["registrations"]["created"] == 5
    with unscoped():
        event = AuditEvent.objects.get(action="legacy_import.completed")
    assert event.actor_user == national_staff

    call_command("import_portal_export", "--employers", str(employers), "--registrations", str(registrations))
    assert "Registrations: 0 created, 0 updated, 5 unchanged" in capsys.readouterr().out

    registrations.write_bytes(csv_bytes(REGISTRATION_COLUMNS, [*REGISTRATIONS, "R9,E001,adults"]))
    with pytest.raises(CommandError, match="1 bad row"):
        call_command(
            "import_portal_export", "--employers", str(employers), "--registrations", str(registrations)
        )
    assert "registrations.csv line 7: This row has 3 cells" in capsys.readouterr().err


def test_the_command_refuses_someone_who_is_not_national_staff(tmp_path, employer_a):
    path = tmp_path / "x.csv"
    path.write_text("x")
    with pytest.raises(CommandError, match="not national staff"):
        call_command(
            "import_portal_export",
            "--employers",
            str(path),
            "--registrations",
            str(path),
            "--run-by",
            employer_a.coordinator.email,
        )
