"""A portfolio's own words: the key's headline line, the council's name in a sentence, shared codes.

Fictional portfolios (tests/fixtures/fictional) are copied into a scratch project and edited.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perflib import config
from perflib.errors import DataError
from perflib.present import sections
from perflib.present.blocks import Table, plain, walk
from perflib.present.html import render
from perflib.reports import annual
from perflib.reports.checks import load_report

FIXTURES = Path(__file__).parent / "fixtures" / "fictional"


@pytest.fixture
def parks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose data/ holds the fictional parks portfolio, to edit."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "parks", root / "data" / "parks")
    monkeypatch.setattr(config, "PROJECT_ROOT", root)
    monkeypatch.setattr(config, "DATA_DIR", root / "data")
    return root / "data" / "parks"


def key_rows(r) -> list[tuple[str, str]]:
    (table,) = [b for b in walk(annual.priorities(r)) if isinstance(b, Table) and b.cls == "key"]
    return [(plain(a), plain(b)) for a, b in table.rows]


def make_headline(folder: Path, pi_code: str = "PL1.1") -> None:
    path = folder / "measures.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(ln.replace(",no,", ",yes,", 1) if f",{pi_code}," in ln else ln
                            for ln in lines))


def test_no_headline_measure_no_headline_line(parks):
    rows = key_rows(load_report("parks", "2021/22"))
    assert all("Bold" not in a and "headline" not in b.lower() for a, b in rows)
    assert rows[-1] == ("Italic figure", "Provisional, forecast or latest available figure")


def test_the_headline_line_in_the_portfolios_own_words(parks):
    make_headline(parks)
    yaml = parks / "portfolio.yaml"
    yaml.write_text(yaml.read_text() + "headline:\n  label: Bold measure name\n"
                    "  meaning: A measure in the fictional county's shared framework\n")
    r = load_report("parks", "2021/22")
    assert ("Bold measure name", "A measure in the fictional county's shared framework") \
        in key_rows(r)
    html = render(annual.priorities(r))
    assert "Greater Manchester" not in html
    assert "<strong>Bold measure name</strong>" in html
    # only the headline measure's name is bold in its table's caption
    assert "<caption>PL1.1: <strong>Visits to parks (fictional)</strong></caption>" in html
    assert "<caption>PL1.2: Pitch bookings confirmed within 5 days (fictional)</caption>" in html


def test_a_headline_measure_without_words_gets_a_neutral_line(parks):
    make_headline(parks)
    assert ("Bold name", "Headline measure") in key_rows(load_report("parks", "2021/22"))


def test_the_seed_key_says_what_its_reports_said_in_our_words():
    rows = dict(key_rows(load_report("cfe", "2020/21")))
    assert rows["Bold name"].startswith("A measure in the Greater Manchester Strategy's outcomes")


def test_a_headline_setting_that_is_not_a_mapping(parks):
    yaml = parks / "portfolio.yaml"
    yaml.write_text(yaml.read_text() + "headline: bold ones\n")
    with pytest.raises(DataError) as exc:
        load_report("parks", "2021/22")
    (p,) = [q for q in exc.value.problems if q.column]  # not the lines for what waits on it
    assert p.file.name == "portfolio.yaml" and p.column == "headline" and p.row == 6
    assert "label" in p.fix and "meaning" in p.fix


def test_a_pi_code_repeats_only_when_the_portfolio_shares_it(parks):
    path = parks / "measures.csv"
    path.write_text(path.read_text().replace("PL1.2", "LAA").replace("PL2.1", "LAA"))
    with pytest.raises(DataError) as exc:
        load_report("parks", "2021/22")
    (p,) = [q for q in exc.value.problems if q.column]  # not the lines for what waits on it
    assert p.column == "pi_code" and "LAA is already used in 2021/22 on row 3" in p.message
    assert "shared_codes in portfolio.yaml" in p.fix
    yaml = parks / "portfolio.yaml"
    yaml.write_text(yaml.read_text() + "shared_codes: [LAA]\n")
    assert load_report("parks", "2021/22").measures["pi_code"].tolist().count("LAA") == 2


def test_the_key_is_headed_once():
    r = load_report("cfe", "2020/21")
    blocks = list(walk(annual.priorities(r)))
    said = [b for b in blocks if "Key to symbols" in plain(getattr(b, "text", "")
                                                          or getattr(b, "caption", ""))]
    assert len(said) == 1 and isinstance(said[0], Table)


def test_headline_key_reads_only_the_measures_printed():
    r = load_report("cfe", "2020/21")
    # the label and meaning portfolio.yaml gives, one line of the key
    label, meaning = sections.headline_key(r.portfolio, r.measures)
    assert label == "Bold name" and meaning.startswith("A measure in the Greater Manchester")
    assert sections.headline_key(r.portfolio, r.measures[~r.measures["headline"].astype(bool)]) is None
