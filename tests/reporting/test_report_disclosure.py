"""Disclosure control, with examples worked by hand: which cells a publication suppresses, and the
threshold national staff set (audited)."""

from __future__ import annotations

import pytest

from asye.audit.models import AuditEvent
from reporting.disclosure import SUPPRESSED, Sum, share, suppress
from reporting.models import DisclosureRule
from reporting.registrations import registrations_report
from reporting.tables import report_tables, table_by_key
from tests.reporting.helpers import load_picture


def test_a_small_count_and_the_smallest_other_count_are_suppressed():
    # 10, 3, 8, 0, 20 with their total 41: 3 is small; alone under the total it could be worked out
    # (41 - 10 - 8 - 0 - 20), so the smallest other non-zero count, 8, goes too. The zero stays.
    assert suppress([10, 3, 8, 0, 20, 41], [Sum(5, (0, 1, 2, 3, 4))], threshold=5) == {1, 2}


def test_nothing_is_suppressed_without_a_small_count():
    assert suppress([10, 0, 8, 18], [Sum(3, (0, 1, 2))], threshold=5) == frozenset()


def test_two_hidden_ones_are_not_enough():
    # 1 and 1 under a shown total of 32 with 30 shown: 32 - 30 = 2 = 1 + 1 gives both away. So the 30 goes:
    # then the three hidden add up to 32 and none can be worked out.
    assert suppress([1, 1, 30, 32], [Sum(3, (0, 1, 2))], threshold=5) == {0, 1, 2}


def test_a_small_total_is_suppressed_itself():
    # 3 and 0 with their total 3: the total is below the threshold too; with the total hidden, nothing
    # else needs to go (the zero is shown).
    assert suppress([3, 0, 3], [Sum(2, (0, 1))], threshold=5) == {0, 2}


def test_when_only_ones_and_a_zero_are_left_the_total_goes():
    # Threshold 3: 1, 1, 1 and 0 with their total 3. Hiding the three 1s leaves 3 = 1 + 1 + 1 (given away);
    # the zero is hidden as a last resort, which is still not enough, so the total is hidden too.
    assert suppress([1, 1, 1, 0, 3], [Sum(4, (0, 1, 2, 3))], threshold=3) == {0, 1, 2, 3, 4}


def test_nested_sums_regions_in_groups_in_the_total():
    # Regions 3, 0, 10, 12; group G1 = the first two (3), G2 = the last two (22); total 25.
    # Cells: 0-3 the regions, 4 the total, 5 G1, 6 G2. Region 0 and G1 are small. Under the total of
    # regions the 10 goes with the 3; under the total of groups G2 goes with G1. Then 25 - 0 - 12 = 13 is
    # the two hidden regions together, and 25 is the two groups: nothing can be worked out.
    sums = [Sum(4, (0, 1, 2, 3)), Sum(4, (5, 6)), Sum(5, (0, 1)), Sum(6, (2, 3))]
    assert suppress([3, 0, 10, 12, 25, 3, 22], sums, threshold=5) == {0, 2, 5, 6}


def test_a_higher_threshold_suppresses_more():
    counts, sums = [6, 7, 30, 43], [Sum(3, (0, 1, 2))]
    assert suppress(counts, sums, threshold=5) == frozenset()
    assert suppress(counts, sums, threshold=10) == {0, 1}


def test_shares_round_half_up():
    assert (share(61, 191), share(46, 191), share(84, 191)) == (32, 24, 44)
    assert share(1, 8) == 13 and share(0, 0) is None


@pytest.mark.django_db
def test_published_tables_suppress_and_internal_tables_mark(unscoped):
    """The small picture of 2024-25 (tests/reporting/helpers.py), at the default threshold of 5."""
    load_picture()
    with unscoped():
        figures = {"registrations": registrations_report(year="2024-25")}
    published = report_tables(figures, threshold=5, published=True)
    exact = report_tables(figures, threshold=5, published=False)

    by_type = table_by_key(published, "by_employer_type")
    shown = {row.label: [cell.display for cell in row.cells] for row in by_type.rows}
    # Employers: 2, 1, 1 and the total 4 are all small. NQSWs: PVI 3 and Other 2 are small; together
    # (5) they are more than two, so under the shown total of 43 neither can be worked out.
    assert shown["Local authority"] == [SUPPRESSED, "38"]
    assert shown["Private, voluntary and independent (PVI)"] == [SUPPRESSED, SUPPRESSED]
    assert shown["Other"] == [SUPPRESSED, SUPPRESSED]
    assert shown["NHS"] == ["0", "0"]
    assert shown["Total"] == [SUPPRESSED, "43"]
    exact_type = table_by_key(exact, "by_employer_type")
    assert exact_type.rows[0].cells[0].display == "2" and exact_type.rows[0].cells[0].hidden
    assert exact_type.hidden_cells == by_type.hidden_cells

    # NQSWs by region: East Midlands 2 is small, so is the Midlands group (2). The North West (18) goes
    # with the East Midlands under the total, and the North (18) with the Midlands under the groups' total:
    # 43 - 23 (South) = 20 is all anyone can work out.
    regions = {row.label: row.cells[1].display for row in table_by_key(published, "by_region").rows}
    assert regions["East Midlands"] == SUPPRESSED and regions["North West"] == SUPPRESSED
    assert regions["London"] == "23" and regions["Total"] == "43" and regions["North East"] == "0"
    groups = {
        row.label.split(" (")[0]: [c.display for c in row.cells]
        for row in table_by_key(published, "region_groups").rows
    }
    assert groups["North"][2:] == [SUPPRESSED, SUPPRESSED]
    assert groups["Midlands"][2:] == [SUPPRESSED, SUPPRESSED]
    assert groups["South"][2:] == ["23", "53%"]


@pytest.mark.django_db
def test_national_staff_set_the_threshold_and_it_is_audited(client, login, national_staff, unscoped):
    login(national_staff)
    page = client.get("/national/reports/disclosure/")
    assert page.status_code == 200 and 'value="5"' in page.content.decode()

    refused = client.post("/national/reports/disclosure/", {"threshold": "1", "version": "1"})
    assert "The smallest count must be 2 or more" in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
    not_a_number = client.post("/national/reports/disclosure/", {"threshold": "five", "version": "1"})
    assert "must be a whole number" in not_a_number.content.decode()

    saved = client.post("/national/reports/disclosure/", {"threshold": "10", "version": "1"})
    assert saved.status_code == 302
    with unscoped():
        assert DisclosureRule.objects.get().threshold == 10
        event = AuditEvent.objects.get(action="reporting.disclosure_threshold_changed")
    assert event.changes == {"threshold": [5, 10]} and event.employer_id is None

    stale = client.post("/national/reports/disclosure/", {"threshold": "7", "version": "1"})
    assert stale.status_code == 409
    with unscoped():
        assert DisclosureRule.objects.get().threshold == 10


@pytest.mark.django_db
def test_employer_staff_cannot_set_the_threshold(client, login, employer_a):
    login(employer_a.coordinator)
    assert client.get("/national/reports/disclosure/").status_code == 403
    assert client.post("/national/reports/disclosure/", {"threshold": "2", "version": "1"}).status_code == 403
