"""new-year and draft: every change computed first, then all written atomically, or none.

Files are appended to, never re-serialised: line endings, byte order marks and number formatting
of the rows perflib did not add stay as the analyst wrote them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perflib.collect.scaffold import draft, new_year
from perflib.errors import ParameterError


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def crlf(path: Path) -> bytes:
    """Rewrite a file with Windows line endings; return its bytes."""
    raw = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(raw)
    return raw


BLOCK = 'years:\n  - "2019/20"\n  - "2020/21"\n'


def test_a_flow_style_years_list_gets_the_new_year(data_copy):
    yml = data_copy / "cfe/portfolio.yaml"
    text = yml.read_text()
    assert BLOCK in text
    yml.write_text(text.replace(BLOCK, 'years: ["2019/20", "2020/21"]  # the years held\n'))
    new_year("cfe", "2021/22", data_copy)
    assert yml.read_text() == text.replace(
        BLOCK, 'years: ["2019/20", "2020/21", "2021/22"]  # the years held\n')


def test_a_block_years_list_keeps_its_layout_and_line_endings(data_copy):
    yml = data_copy / "cfe/portfolio.yaml"
    before = crlf(yml)
    new_year("cfe", "2021/22", data_copy)
    assert yml.read_bytes() == before.replace(b'  - "2020/21"\r\n',
                                              b'  - "2020/21"\r\n  - "2021/22"\r\n')


def test_a_years_list_it_cannot_extend_is_refused_before_anything_is_written(data_copy):
    yml = data_copy / "cfe/portfolio.yaml"
    text = yml.read_text()
    # valid YAML whose years are another key's list: adding to it would change that key too
    yml.write_text(text.replace(BLOCK, 'held: &held ["2019/20", "2020/21"]\nyears: *held\n'))
    before = snapshot(data_copy)
    with pytest.raises(ParameterError, match=r"cannot add 2021/22 to its years list safely; add "
                                             r'"2021/22" to the list by hand, then run new-year'):
        new_year("cfe", "2021/22", data_copy)
    assert snapshot(data_copy) == before  # nothing written, not even a temporary file
    yml.write_text(text)  # fixed by hand: the rerun works
    assert new_year("cfe", "2021/22", data_copy).startswith("Scaffolded cfe 2021/22 from 2020/21")
    assert "\nstatus: draft\ndate: null\n" in (data_copy / "cfe/2021-22/report.yaml").read_text()


def test_a_write_that_fails_leaves_every_file_as_it_was(data_copy, monkeypatch):
    before = snapshot(data_copy)
    real = Path.mkdir

    def full_disk(self, *args, **kwargs):
        if self.name.startswith(".2021-22."):
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", full_disk)
    with pytest.raises(OSError, match="No space left"):
        new_year("cfe", "2021/22", data_copy)
    assert snapshot(data_copy) == before
    monkeypatch.setattr(Path, "mkdir", real)
    new_year("cfe", "2021/22", data_copy)  # and a rerun works
    assert '"2021/22"' in (data_copy / "cfe/portfolio.yaml").read_text()


def test_csvs_are_appended_to_keeping_line_endings_and_number_formatting(data_copy):
    obs, measures = data_copy / "cfe/observations.csv", data_copy / "cfe/measures.csv"
    obs.write_text(obs.read_text().replace("2020/21,museum_visits,2020/21,3484,",
                                           "2020/21,museum_visits,2020/21,3484.0,"))
    obs_before, measures_before = crlf(obs), measures.read_bytes()
    new_year("cfe", "2021/22", data_copy)
    after = obs.read_bytes()
    assert after.startswith(obs_before)  # every row it did not add, byte for byte
    added = after[len(obs_before):].decode()
    assert added.count("\r\n") == added.count("\n") > 0  # its own rows in the file's CRLF
    assert ("2021/22,museum_visits,2019/20,156557,,,actual,,\r\n"
            "2021/22,museum_visits,2020/21,3484.0,,,actual,,\r\n"
            "2021/22,museum_visits,2021/22,,,,,,\r\n") in added
    assert measures.read_bytes().startswith(measures_before)
    assert ("2021/22,foi_on_time,CFE1.1,Freedom of Information (FOI) requests responded to on "
            "time (% and number),1,1,Council,High,percentage,1,no,numerical,,,\n"
            ) in measures.read_text()


def test_a_last_line_without_a_line_ending_gets_one(data_copy):
    obs = data_copy / "cfe/observations.csv"
    obs.write_bytes(obs.read_bytes().rstrip(b"\n"))
    new_year("cfe", "2021/22", data_copy)
    assert b"2020/21,cultural_engagements,2018/19,0.46,,,actual,,\n2021/22," in \
        obs.read_bytes()


def _blank(path: Path, measure: str) -> None:
    """Empty one measure's commentary, keeping its heading."""
    lines = path.read_bytes().split(b"\n")
    at = lines.index(f"## {measure}".encode() + (b"\r" if lines[0].endswith(b"\r") else b""))
    end = next(i for i in range(at + 1, len(lines)) if lines[i].startswith(b"## "))
    path.write_bytes(b"\n".join(lines[:at + 1] + lines[end - 1:end] + lines[end:]))


def test_draft_leaves_a_file_it_does_not_change_untouched(data_copy):
    path = data_copy / "cfe/2020-21/commentary.md"
    before = crlf(path)
    stat = path.stat()
    assert draft("cfe", "2020/21", data_copy) == (
        f"Every measure in {path} already has commentary: nothing written.")
    assert path.read_bytes() == before
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)


def test_draft_inserts_its_sentence_in_the_files_line_endings(data_copy):
    from perflib.data.claims import draft_sentence
    from perflib.reports.checks import load_report

    path = data_copy / "cfe/2020-21/commentary.md"
    crlf(path)
    _blank(path, "museum_visits")
    before = path.read_bytes()
    sentence = draft_sentence(load_report("cfe", "2020/21", data_copy).figures["museum_visits"])
    message = draft("cfe", "2020/21", data_copy)
    assert message.startswith(f"Drafted a first sentence for 1 measures in {path} (museum_visits)")
    assert path.read_bytes() == before.replace(
        b"## museum_visits\r\n", b"## museum_visits\r\n" + sentence.encode() + b"\r\n")


# --------------------------------------------------------------- optional commentary (KPI sets)

KPI = Path(__file__).parent / "fixtures" / "fictional" / "kpi_published"


@pytest.fixture
def kpi(data_copy: Path) -> Path:
    import shutil

    shutil.copytree(KPI, data_copy / "kpi")
    return data_copy


def test_under_optional_commentary_draft_drafts_only_the_measures_named(kpi):
    """A KPI set writes notes on a few measures: a drafted sentence on every one would be a
    to-do on every one, so nothing is drafted unless asked."""
    path = kpi / "kpi/2023-24/commentary.md"
    before = snapshot(kpi)
    said = draft("kpi", "2023/24", kpi)
    assert said == ("kpi's commentary is optional (portfolio.yaml's commentary: optional), so "
                    "nothing is drafted unless asked: name the measures to draft, e.g. perflib "
                    "draft kpi 2023/24 calls_answered")
    assert snapshot(kpi) == before
    text = path.read_text()
    said = draft("kpi", "2023/24", kpi, ["foi_on_time"])
    assert said.startswith(f"Drafted a first sentence for 1 measures in {path} (foi_on_time)")
    added = path.read_text()[len(text):]
    assert added.startswith("\n## foi_on_time\nIn {year} the figure was {actual}, against a "
                            "target of {target}, {change} on {previous} in {previous_year}.")
    assert added.endswith("[Draft: service to complete.]\n")


def test_draft_makes_the_commentary_file_a_kpi_set_left_out(kpi):
    path = kpi / "kpi/2023-24/commentary.md"
    path.unlink()
    draft("kpi", "2023/24", kpi, ["missed_bins"])
    assert path.read_text().startswith("## missed_bins\nIn {year} the figure was {actual}")


def test_draft_names_a_measure_it_does_not_know(kpi):
    with pytest.raises(ParameterError, match="bins_missed: not a measure of kpi 2023/24 "
                                             r"\(its measures: calls_answered, "):
        draft("kpi", "2023/24", kpi, ["bins_missed"])
