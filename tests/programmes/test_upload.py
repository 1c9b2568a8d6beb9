"""Registering NQSWs from a CSV file: every row checked first, all or nothing, co-ordinators only."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from asye.audit.models import AuditEvent
from programmes.csv_rows import UPLOAD_COLUMNS
from programmes.models import FundingStatus, Registration
from programmes.upload_views import PENDING_KEY

pytestmark = pytest.mark.django_db

UPLOAD = reverse("registration_upload:upload")
CHECK = reverse("registration_upload:check")
DONE = reverse("registration_upload:done")
HEADER = ",".join(UPLOAD_COLUMNS)


def row(
    first="Ada",
    last="Okafor",
    swe="SW900001",
    qualified=None,
    start=None,
    hours="37",
    area="adults",
    email="",
):
    today = timezone.localdate()
    qualified = qualified or (today - datetime.timedelta(days=120)).isoformat()
    start = start or today.isoformat()
    return f"{first},{last},{email},{swe},{qualified},{start},{hours},{area}"


def csv_file(*rows: str, header: str = HEADER, name: str = "nqsws.csv", encoding="utf-8", bom=False):
    text = "\r\n".join([header, *rows]) + "\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def good_rows(n: int = 3) -> list[str]:
    return [row(first=f"Person{i}", swe=f"SW90000{i}") for i in range(1, n + 1)]


@pytest.fixture
def coordinator(client, login, employer_a):
    login(employer_a.coordinator)
    return client


def registrations(unscoped, **filters) -> list[Registration]:
    with unscoped():
        return list(Registration.objects.filter(**filters).order_by("swe_number"))


def test_page_and_template_for_coordinators(coordinator):
    response = coordinator.get(UPLOAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and "novalidate" in html
    assert 'accept=".csv,text/csv"' in html
    assert reverse("registration_upload:template") in html
    template = coordinator.get(reverse("registration_upload:template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("text/csv")
    assert "attachment" in template["Content-Disposition"]
    assert template.content.decode().strip() == (
        "first_name,last_name,email,swe_number,qualification_date,start_date,contracted_hours,service_area"
    )


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_coordinators_may_upload(role, client, login, employer_a, unscoped):
    login(getattr(employer_a, role))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": csv_file(*good_rows())}).status_code == 403
    assert client.get(reverse("registration_upload:template")).status_code == 403
    assert registrations(unscoped) == []


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_good_file_is_checked_then_saved_all_together_on_confirm(coordinator, employer_a, unscoped):
    response = coordinator.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    assert response.status_code == 302 and response["Location"] == CHECK
    assert registrations(unscoped) == []  # nothing before Confirm

    page = coordinator.get(CHECK)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check the NQSWs before you register them" in html
    assert "Register 3 NQSWs" in html
    for i in (1, 2, 3):
        assert f"SW90000{i}" in html
    assert registrations(unscoped) == []

    confirm = coordinator.post(CHECK, {"fingerprint": page.context["check"].fingerprint})
    assert confirm.status_code == 302 and confirm["Location"] == DONE
    saved = registrations(unscoped)
    assert [r.swe_number for r in saved] == ["SW900001", "SW900002", "SW900003"]
    assert {r.employer_id for r in saved} == {employer_a.employer.pk}
    assert {r.created_by_id for r in saved} == {employer_a.coordinator.pk}
    done = coordinator.get(DONE)
    assert "3 NQSWs registered" in done.content.decode()
    assert "national review" not in done.content.decode()
    with unscoped():
        assert AuditEvent.objects.filter(action="registration.created").count() == 3
        assert AuditEvent.objects.get(action="registration.csv_uploaded").changes["registered"] == 3
    # The pending file is gone: confirming again registers nobody twice.
    again = coordinator.post(CHECK, {"fingerprint": page.context["check"].fingerprint})
    assert again.status_code == 302 and again["Location"] == UPLOAD
    assert len(registrations(unscoped)) == 3


def test_one_bad_row_rejects_the_whole_file_with_its_line_and_reason(coordinator, unscoped):
    rows = [row(swe="SW900001"), row(swe="SW900002"), row(swe="900003"), row(swe="SW900004")]
    response = coordinator.post(UPLOAD, {"file": csv_file(*rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("govuk-error-summary") >= 1
    assert "<title>Error: Register NQSWs from a CSV file" in html
    bad = response.context["bad_rows"]
    assert [r.line for r in bad] == [4]  # the header is line 1
    assert bad[0].errors == ["Enter a Social Work England number in the correct format, like SW123456"]
    assert 'href="#line-4"' in html and 'id="line-4"' in html
    assert "Line 4: Enter a Social Work England number in the correct format" in html
    assert "Nothing from the file has been saved" in html
    assert registrations(unscoped) == []
    assert PENDING_KEY not in coordinator.session


def test_every_bad_row_is_listed_with_every_reason(coordinator, unscoped):
    rows = [
        row(swe="SW900001"),
        row(first="", swe="SW900002", hours="60"),
        row(swe="SW900003", start="31/02/2026", area="mental_health"),
        row(swe="SW900004", email="not-an-email"),
        row(swe="SW900005", qualified="2010-01-01", start="2011-01-01"),
        "Too,few,cells",
    ]
    response = coordinator.post(UPLOAD, {"file": csv_file(*rows)})
    bad = {r.line: r.errors for r in response.context["bad_rows"]}
    assert set(bad) == {3, 4, 5, 6, 7}
    assert bad[3] == ["Enter the NQSW's first name", "Contracted hours must be between 1 and 48 a week"]
    assert "Enter the start date as YYYY-MM-DD or DD/MM/YYYY, like 2026-09-07 or 07/09/2026" in bad[4]
    assert "Select child and family or adults" in bad[4]
    assert bad[5] == ["Enter an email address in the correct format, like name@example.org"]
    assert any("funding year open for registration" in e for e in bad[6])
    assert bad[7] == ["This row has 3 cells but the first row names 8 columns"]
    assert registrations(unscoped) == []


def test_the_same_nqsw_twice_in_the_file_is_refused(coordinator, unscoped):
    rows = [row(swe="SW900001"), row(swe="sw 900001", first="Ada Grace"), row(swe="SW900002")]
    response = coordinator.post(UPLOAD, {"file": csv_file(*rows)})
    bad = {r.line: r.errors for r in response.context["bad_rows"]}
    assert bad == {
        2: ["The Social Work England number SW900001 is also on line 3: register each NQSW once"],
        3: ["The Social Work England number SW900001 is also on line 2: register each NQSW once"],
    }
    assert registrations(unscoped) == []


def test_already_registered_here_is_a_bad_row(coordinator, register, employer_a, unscoped):
    register(employer_a, swe_number="SW900002")
    response = coordinator.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    bad = {r.line: r.errors for r in response.context["bad_rows"]}
    assert bad == {3: ["This NQSW is already registered with you"]}
    assert len(registrations(unscoped)) == 1


def test_uk_dates_a_bom_and_blank_lines_are_accepted(coordinator, unscoped):
    today = timezone.localdate()
    qualified = today - datetime.timedelta(days=326)  # 1 January 2026 when written on 23 November 2026
    rows = [
        row(
            swe="SW900001",
            start=today.strftime("%d/%m/%Y"),
            qualified=qualified.strftime("%d/%m/%Y"),
            area="child_and_family",
        ),
        "",
        row(swe="SW900002", hours="18.5"),
    ]
    response = coordinator.post(UPLOAD, {"file": csv_file(*rows, bom=True)})
    assert response.status_code == 302, response.context and response.context["summary_errors"]
    check = coordinator.get(CHECK)
    assert [r.line for r in check.context["rows"]] == [2, 4]
    coordinator.post(CHECK, {"fingerprint": check.context["check"].fingerprint})
    saved = registrations(unscoped)
    assert saved[0].start_date == today and saved[0].qualification_date == qualified
    assert str(saved[1].contracted_hours) == "18.50"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select a CSV file"),
        (SimpleUploadedFile("nqsws.xlsx", b"PK\x03\x04rest"), "The selected file must be a CSV"),
        (SimpleUploadedFile("nqsws.csv", b""), "The selected file is empty"),
        (SimpleUploadedFile("nqsws.csv", b"  \r\n"), "The selected file is empty"),
        (
            SimpleUploadedFile("nqsws.csv", b"PK\x03\x04" + b"\x00" * 50),
            "The selected file is a spreadsheet or other zip-based file, not a CSV file",
        ),
        (
            SimpleUploadedFile("nqsws.csv", (HEADER + "\r\nZo\xeb,Smith\r\n").encode("latin-1")),
            "The selected file must be saved as UTF-8 (line 2 is not)",
        ),
        (
            SimpleUploadedFile("nqsws.csv", (HEADER + "\r\n").encode("utf-16")),
            "The selected file must be a CSV file saved as UTF-8",
        ),
        (
            SimpleUploadedFile("nqsws.csv", b"first_name,last_name,email\r\nAda,Okafor,\r\n"),
            "The selected file is missing the columns swe_number, qualification_date, start_date, "
            "contracted_hours, service_area",
        ),
        (
            SimpleUploadedFile("nqsws.csv", (HEADER + ",team\r\n").encode()),
            "The selected file has column this service does not use: team",
        ),
        (
            SimpleUploadedFile("nqsws.csv", (HEADER + "\r\n").encode()),
            "The selected file has no rows after the column names",
        ),
    ],
    ids=[
        "none",
        "extension",
        "empty",
        "blank",
        "xlsx-renamed",
        "latin-1",
        "utf-16",
        "columns",
        "extra",
        "no-rows",
    ],
)
def test_files_that_cannot_be_used_are_refused_clearly(upload, message, coordinator, unscoped):
    response = coordinator.post(UPLOAD, {"file": upload} if upload else {})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith(message) for error in errors), errors
    html = response.content.decode()
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert registrations(unscoped) == []


def test_a_file_over_2mb_is_refused(coordinator, unscoped):
    big = (HEADER + "\r\n").encode() + b"x" * (2 * 1024 * 1024)
    response = coordinator.post(UPLOAD, {"file": SimpleUploadedFile("nqsws.csv", big)})
    assert response.context["form"].errors["file"] == ["The selected file must be smaller than 2MB"]
    assert registrations(unscoped) == []


def test_rows_go_to_the_actors_employer_only_and_say_nothing_of_others(
    coordinator, register, employer_a, employer_b, unscoped
):
    theirs = register(employer_b, swe_number="SW900002")
    with unscoped():
        before = Registration.objects.filter(employer=employer_b.employer).count()
    coordinator.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    check = coordinator.get(CHECK)
    assert employer_b.employer.name not in check.content.decode()
    coordinator.post(CHECK, {"fingerprint": check.context["check"].fingerprint})
    mine = registrations(unscoped, employer=employer_a.employer)
    assert len(mine) == 3
    # The one B holds too looks like the others (issue #12, finding 8); national staff see the review.
    assert [r.funding_status for r in mine] == [FundingStatus.AWAITING_APPROVAL] * 3
    with unscoped():
        assert Registration.objects.filter(employer=employer_b.employer).count() == before
        theirs_after = Registration.objects.get(pk=theirs.pk)
    assert theirs_after.version == theirs.version and theirs_after.employer_id == employer_b.employer.pk
    done = coordinator.get(DONE).content.decode()
    assert "3 NQSWs registered" in done and "national review" not in done
    assert employer_b.employer.name not in done


def test_another_employers_coordinator_cannot_confirm_a_pending_upload(
    coordinator, client, login, employer_a, employer_b, unscoped
):
    coordinator.post(UPLOAD, {"file": csv_file(*good_rows(2))})
    fingerprint = coordinator.get(CHECK).context["check"].fingerprint
    client.logout()
    login(employer_b.coordinator)
    # B has nothing pending in B's session, so there is nothing to confirm.
    response = client.post(CHECK, {"fingerprint": fingerprint})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert registrations(unscoped) == []


def test_a_change_between_check_and_confirm_saves_nothing(coordinator, register, employer_a, unscoped):
    coordinator.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    fingerprint = coordinator.get(CHECK).context["check"].fingerprint
    # Someone registers the second NQSW through another channel meanwhile.
    register(employer_a, swe_number="SW900002")
    response = coordinator.post(CHECK, {"fingerprint": fingerprint})
    assert response.status_code == 200
    assert {r.line: r.errors for r in response.context["bad_rows"]} == {
        3: ["This NQSW is already registered with you"]
    }
    assert [r.swe_number for r in registrations(unscoped)] == ["SW900002"]


def test_confirm_with_another_files_fingerprint_saves_nothing(coordinator, unscoped):
    coordinator.post(UPLOAD, {"file": csv_file(*good_rows(2))})
    response = coordinator.post(CHECK, {"fingerprint": "0" * 64})
    assert response.status_code == 302 and response["Location"] == CHECK
    assert registrations(unscoped) == []


def test_check_and_done_without_an_upload_go_back_to_the_start(coordinator):
    assert coordinator.get(CHECK)["Location"] == UPLOAD
    assert coordinator.get(DONE)["Location"] == UPLOAD
