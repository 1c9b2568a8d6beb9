"""The mixed-workload benchmark's report: it replaces only its own section of RESULTS.md, and its reading
follows the run's figures."""

from benchmarks.load_mixed import HEADING, MIX, reading, replace_section


def level(users: int, rps: float, p50: float, pages: list[tuple[str, float]], failures: int = 0) -> dict:
    mix = {
        "rps": rps,
        "rps_ratio": round(rps / 500, 3),
        "p50_ms": p50,
        "p95_ms": p50 * 1.2,
        "p99_ms": p50 * 1.3,
        "cpu_ms_per_request": 20.0,
        "cpu_ratio": 18.0,
        "failures": failures,
        "requests": 800,
    }
    return {
        "users": users,
        "mix": mix,
        "pages": [{"page": name, "p50_ms": value} for name, value in pages],
        "server_errors_logged": [],
    }


def test_replace_section_keeps_the_other_sections(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## One\n\nfirst\n\n## Two\n\nsecond\n")

    replace_section(path, [HEADING, "", "run 1"])
    replace_section(path, [HEADING, "", "run 2"])

    text = path.read_text()
    assert text.count(HEADING) == 1
    assert "run 2" in text and "run 1" not in text
    assert "## One\n\nfirst" in text and "## Two\n\nsecond" in text

    # In the middle of the file it is replaced in place, and what follows it stays.
    path.write_text(f"# Results\n\n{HEADING}\n\nold\n\n## After\n\nkept\n")
    replace_section(path, [HEADING, "", "new"])
    assert path.read_text() == f"# Results\n\n{HEADING}\n\nnew\n\n## After\n\nkept\n"


def test_reading_follows_the_figures():
    alike = [("NQSW: home", 2300.0), ("national: reports", 2400.0)]
    report = {"levels": [level(10, 37.0, 260.0, alike), level(50, 38.0, 1300.0, alike)]}
    text = "\n".join(reading(report))
    assert "flat" in text
    assert "within 30%" in text
    assert "no request failed" in text
    assert "p95 at 50 users is 1.6 s" in text

    apart = [("NQSW: home", 200.0), ("national: reports", 900.0)]
    report = {"levels": [level(10, 20.0, 260.0, apart, failures=3), level(100, 40.0, 2300.0, apart)]}
    text = "\n".join(reading(report))
    assert "flat" not in text
    assert "slowest page is national: reports" in text
    assert "3 failed requests" in text
    assert "issue #14" not in text  # no 50-user level to compare with


def test_every_role_of_the_mix_has_weighted_pages():
    assert set(MIX) == {"co-ordinator", "NQSW", "assessor", "API client", "national staff"}
    for weight, email, pages in MIX.values():
        assert weight > 0 and pages
        assert email is None or email.endswith("@demo.example")
        assert all(path.startswith("/") and page_weight > 0 for _, path, page_weight in pages)
