"""The data-file registry: what loads, scaffolds, rebuilds and documents every data file."""

from __future__ import annotations

import re

import pytest

from perflib import config
from perflib.data import files
from perflib.reports import kinds, readers

README = config.PROJECT_ROOT / "data" / "README.md"
CSV = [f for f in files.FILES if f.columns]


def test_data_readme_shows_the_registry_as_it_is():
    assert files.table(readers()) in README.read_text(encoding="utf-8")


def test_every_file_a_kind_reads_is_registered():
    for name, kind in kinds().items():
        unknown = set(kind.files) - set(files.BY_NAME)
        assert not unknown, f"{name} reads {unknown}, which data.files does not know"


@pytest.mark.parametrize("f", CSV, ids=[f.name for f in CSV])
def test_every_csv_column_is_documented_in_its_files_section(f):
    text = README.read_text(encoding="utf-8")
    # a file's section is headed by its name; the comparators' three files share one
    title = "Comparators" if f.name.startswith("comparators/") else f.name
    heading = next((m for m in re.finditer(r"^## (.+)$", text, re.M) if title in m.group(1)), None)
    assert heading is not None, f"data/README.md has no section for {f.name}"
    nxt = re.search(r"^## ", text[heading.end():], re.M)
    section = text[heading.end():heading.end() + nxt.start()] if nxt else text[heading.end():]
    missing = [c.name for c in f.columns if f"`{c.name}`" not in section]
    assert not missing, f"{f.name}'s columns {missing} are not documented"


@pytest.mark.parametrize("f", CSV, ids=[f.name for f in CSV])
def test_a_new_file_starts_with_its_header(f):
    assert f.header() == ",".join(c.name for c in f.columns if not c.optional) + "\n"


def test_reading_a_registered_file_checks_it_against_its_columns(data_copy):
    (data_copy / "reserves.csv").write_text("category,narration,use,approved\nA,B,C,1\n")
    problems: list = []
    assert files.get("reserves.csv").read(data_copy, problems) is None
    assert [(p.column, p.message) for p in problems] == [
        ("movement", "the column is missing")]


def test_an_optional_file_that_is_not_there_is_no_problem(data_copy):
    problems: list = []
    assert files.get("engagement.csv").read(data_copy, problems) is None
    assert problems == []
    assert files.get("reserves.csv").read(data_copy, problems) is None
    assert [p.message for p in problems] == ["the file is missing"]


def test_every_report_reads_the_register_figures_and_report_yaml():
    assert files.every_report() == ["portfolio.yaml", "measures.csv", "observations.csv",
                                    "overrides.csv", "report.yaml"]
