"""A notebook's cells as the report's blocks, and cell options as Quarto writes them.

The notebooks here are built as a kernel leaves them (outputs in nbformat's shape), so each rule
of :mod:`perflib.present.cells` is seen on its own; a real notebook run by ``perflib build``
through every format is in test_analyst_cells.py. All names and figures are fictional.
"""

from __future__ import annotations

import base64

import matplotlib.image
import nbformat
import numpy as np
import pandas as pd
import pytest

from perflib.errors import ContentError, NotebookError
from perflib.present import blocks as b
from perflib.present import frames
from perflib.present.cells import content
from perflib.present.display import Blocks
from perflib.present.options import OptionError, parse

# ------------------------------------------------------------------------------ cell options

OPTIONS = [
    # (source, alt of figures 0 and 1, fig-cap 0, tbl-cap 0, include, echo, output, code left)
    ("plot()", ("", ""), "", "", True, False, True, "plot()"),
    ("#| fig-alt: Bars of visits\nplot()", ("Bars of visits", "Bars of visits"), "", "", True,
     False, True, "plot()"),
    ("\n#| fig-alt:\n#|   - First chart\n#|   - Second chart\nplot()\nplot()",
     ("First chart", "Second chart"), "", "", True, False, True, "plot()\nplot()"),
    ("#| fig-alt: [Only one]\nplot()\nplot()", ("Only one", ""), "", "", True, False, True,
     "plot()\nplot()"),
    ('#| fig-cap: "Visits: a year"\n#| tbl-cap: Visits by year\nshow()', ("", ""),
     "Visits: a year", "Visits by year", True, False, True, "show()"),
    ("#| include: false\nsetup()", ("", ""), "", "", False, False, True, "setup()"),
    ("#| echo: true\n#| output: false\nshow()", ("", ""), "", "", True, True, False, "show()"),
    ("#|echo: true\nx = 1\n#| fig-alt: not an option, code", ("", ""), "", "", True, True, True,
     "x = 1\n#| fig-alt: not an option, code"),
    ("#| label: fig-visits\n#| warning: false\nplot()", ("", ""), "", "", True, False, True,
     "plot()"),
    ("#| fig-alt: 1200\nplot()", ("1200", "1200"), "", "", True, False, True, "plot()"),
]


@pytest.mark.parametrize(("source", "alts", "fig_cap", "tbl_cap", "include", "echo", "output",
                          "code"), OPTIONS, ids=[f"options-{i}" for i in range(len(OPTIONS))])
def test_cell_options_are_read_as_quarto_reads_them(source, alts, fig_cap, tbl_cap, include,
                                                    echo, output, code):
    opts, left = parse(source)
    assert (opts.alt(0), opts.alt(1)) == alts
    assert (opts.figure_caption(0), opts.table_caption(0)) == (fig_cap, tbl_cap)
    assert (opts.include, opts.echo, opts.output) == (include, echo, output)
    assert left == code


REFUSED = [
    ("#| fig_alt: Bars\nplot()", "'#| fig_alt:' is not an option; write '#| fig-alt:'"),
    ("#| Fig-Alt: Bars\nplot()", "'#| Fig-Alt:' is not an option; write '#| fig-alt:'"),
    ("#| include: no-thanks\nx", "'#| include: no-thanks' must be true or false"),
    ("#| echo: 1\nx", "'#| echo: 1' must be true or false"),
    ("#| fig-alt: Visits: up\nplot()", "not readable YAML (option line 1)"),
    ("#| fig-alt: {a: 1}\nplot()", "'#| fig-alt:' must be text, or a list of texts"),
    ("#| a: &x [1, 2]\n#| b: *x\nx", "use a YAML alias (*name)"),
    ("#| just words\nx", "must each be 'key: value'"),
]


@pytest.mark.parametrize(("source", "words"), REFUSED, ids=[s[:18] for s, _ in REFUSED])
def test_an_option_written_wrong_is_refused_with_its_fix(source, words):
    with pytest.raises(OptionError) as caught:
        parse(source)
    assert words in str(caught.value)


# ------------------------------------------------------------------------ notebooks as blocks

PNG = base64.b64encode(b"\x89PNG fictional").decode("ascii")


def png_output(**metadata) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", {"image/png": PNG,
                                                   "text/plain": "<Figure size 640x480 with 1 Axes>"},
                                  metadata=metadata)


def notebook(*cells: nbformat.NotebookNode, draft: bool | None = True) -> nbformat.NotebookNode:
    """A run report notebook: parameters, a cover (draft, final, or none), then ``cells``."""
    nb = nbformat.v4.new_notebook()
    intro = nbformat.v4.new_markdown_cell("# What this notebook does. Not printed.",
                                          metadata={"tags": ["remove-cell"]})
    params = nbformat.v4.new_code_cell('year = "2031/32"', execution_count=1,
                                       metadata={"tags": ["parameters"]})
    nb.cells = [intro, params]
    if draft is not None:
        cover = Blocks([b.Cover("Fictional Council", "Parks", "Deep dive", [("Date", "1 May")],
                                draft=draft)])
        nb.cells.append(nbformat.v4.new_code_cell(
            "cover()", execution_count=2,
            outputs=[nbformat.v4.new_output("execute_result", cover._repr_mimebundle_(),
                                            execution_count=2)]))
    nb.cells += cells
    return nb


def code(source: str, n: int, *outputs: nbformat.NotebookNode, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, execution_count=n, outputs=list(outputs),
                                     metadata=meta)


def stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def shown(*outputs_data: dict) -> list[nbformat.NotebookNode]:
    return [nbformat.v4.new_output("display_data", d) for d in outputs_data]


def body(nb) -> list[b.Block]:
    """The blocks after the cover."""
    out = content(nb, "notebooks/fictional.ipynb")
    return [x for x in out if not isinstance(x, b.Cover)]


def test_the_parameters_cell_and_cells_tagged_remove_cell_are_not_printed():
    nb = notebook(code("secret = 1\nprint('setup')", 3, stream("setup\n"),
                       tags=["remove-cell"]))
    assert content(nb) == [b.Cover("Fictional Council", "Parks", "Deep dive", [("Date", "1 May")],
                                   draft=True)]


def test_a_markdown_cell_is_a_markdown_block_under_the_cover_title():
    nb = notebook(nbformat.v4.new_markdown_cell("# Analyst note\n\nVisits **rose**."))
    assert body(nb) == [b.Markdown("# Analyst note\n\nVisits **rose**.", top=2)]


def test_printed_text_runs_on_as_one_block_and_stderr_is_not_printed():
    nb = notebook(code("print('a'); warn(); print('b')", 3, stream("first line\n"),
                       stream("a warning\n", "stderr"), stream("\x1b[1msecond\x1b[0m line\n")))
    assert body(nb) == [b.Code("first line\nsecond line")]


def test_code_is_shown_only_where_a_cell_asks():
    hidden = notebook(code("x = 41 + 1\nx", 3, nbformat.v4.new_output(
        "execute_result", {"text/plain": "42"}, execution_count=3)))
    assert body(hidden) == [b.Code("42")]
    echoed = notebook(code("#| echo: true\nx = 41 + 1\nx", 3, nbformat.v4.new_output(
        "execute_result", {"text/plain": "42"}, execution_count=3)))
    assert body(echoed) == [b.Code("x = 41 + 1\nx", "python"), b.Code("42")]


def test_include_false_and_output_false_show_no_output():
    nb = notebook(code("#| include: false\nprint('hidden')", 3, stream("hidden\n")),
                  code("#| output: false\nprint('also hidden')", 4, stream("also hidden\n")),
                  code("print('shown')", 5, stream("shown\n"), tags=["remove-input"]))
    assert body(nb) == [b.Code("shown")]


def test_a_value_that_names_an_object_is_not_printed():
    nb = notebook(code("plt.bar(...)", 3, nbformat.v4.new_output(
        "execute_result", {"text/plain": "<BarContainer object of 3 artists>"}, execution_count=3)))
    assert body(nb) == []


def test_figures_take_their_alt_text_and_captions_from_the_options_in_order():
    nb = notebook(code("#| fig-alt:\n#|   - Bars of visits, highest in 2031/32.\n#|   - Line of "
                       "visits.\n#| fig-cap: [Visits, Visits again]\nplot(); plot()", 3,
                       png_output(), png_output()))
    image = base64.b64decode(PNG)
    assert body(nb) == [b.Figure("Visits", "Bars of visits, highest in 2031/32.", image, ""),
                        b.Figure("Visits again", "Line of visits.", image, "")]


def test_an_svg_figure_keeps_its_svg():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"></svg>'
    nb = notebook(code("#| fig-alt: A fictional drawing\nshow()", 3,
                       *shown({"image/svg+xml": svg, "text/plain": "<Figure>"})))
    assert body(nb) == [b.Figure("", "A fictional drawing", svg.encode(), "", None,
                                 "image/svg+xml")]


def test_a_drafts_chart_without_alt_text_is_printed_with_a_description_missing_note():
    nb = notebook(code("plot()", 7, png_output()), draft=True)
    fig, note = body(nb)
    assert fig == b.Figure("", "", base64.b64decode(PNG), "")
    assert note.kind == "missing-alt" and b.plain(note.text) == (
        "Description missing: this chart has no text alternative yet, so a reader who cannot see "
        "it is told nothing. Add '#| fig-alt: ...' to cell [7] before the report is final.")


@pytest.mark.parametrize("alt", ["", "No description has been provided for this image",
                                 "Description missing."])
def test_a_final_reports_chart_without_a_real_description_is_refused(alt):
    meta = {"image/png": {"alt": alt}} if alt else {}
    nb = notebook(code("plot()", 7, png_output(**meta)), draft=False)
    with pytest.raises(ContentError) as caught:
        content(nb, "notebooks/fictional.ipynb")
    assert str(caught.value) == (
        "notebooks/fictional.ipynb, cell [7]: shows a chart with no description (alt text), and a "
        "final report publishes no chart without one. Fix: add a first line '#| fig-alt: <what "
        "the chart shows, with its main figures>' to the cell (for a cell that draws several "
        "charts, one alt text each: '#| fig-alt:' then '#|   - ...' lines)")
    assert caught.value.exit_code == 2


def test_a_cell_with_two_undescribed_charts_is_named_once():
    nb = notebook(code("#| fig-alt: [Bars of visits]\nplot(); plot(); plot()", 8, png_output(),
                       png_output(), png_output()), draft=False)
    with pytest.raises(ContentError, match=r"^notebooks/fictional.ipynb, cell \[8\]: shows 2 charts "
                       r"with no description \(alt text\)[^\n]*$"):
        content(nb, "notebooks/fictional.ipynb")


def test_a_notebook_outside_a_report_is_a_draft():
    nb = notebook(code("plot()", 3, png_output()), draft=None)
    assert [type(x).__name__ for x in content(nb)] == ["Figure", "Note"]


def test_an_output_alt_text_serves_where_no_option_gives_one():
    nb = notebook(code("display(Image(...))", 3, png_output(**{"image/png": {"alt": "A map"}})),
                  draft=False)
    assert body(nb)[0].alt == "A map"


def test_a_cell_whose_options_are_wrong_is_refused_naming_it():
    nb = notebook(code("#| fig_alt: Bars\nplot()", 4, png_output()))
    with pytest.raises(ContentError, match=r"^notebooks/fictional.ipynb, cell \[4\]: its options: "
                       r"'#\| fig_alt:' is not an option\. Fix: write '#\| fig-alt:'$"):
        content(nb, "notebooks/fictional.ipynb")


def test_a_build_that_fails_on_content_exits_2():
    reason = "rendering the report failed: ContentError: notebooks/x.ipynb, cell [7]: ..."
    assert NotebookError("notebooks/x.ipynb", None, reason).exit_code == 2
    assert NotebookError("notebooks/x.ipynb", 3, "RuntimeError: broke").exit_code == 1


def test_markdown_and_html_outputs_are_markdown_blocks_sanitised_when_printed():
    nb = notebook(code("display(Markdown(...)); display(HTML(...))", 3,
                       *shown({"text/markdown": "**Bold** words", "text/plain": "<Markdown>"},
                              {"text/html": "<b>Hi</b><script>x()</script>",
                               "text/plain": "<HTML>"})))
    assert body(nb) == [b.Markdown("**Bold** words", 2), b.Markdown("<b>Hi</b><script>x()</script>",
                                                                   2)]


# --------------------------------------------------------------------------------- DataFrames

VISITS = pd.DataFrame({"Year": ["2030/31", "2031/32"], "Visits": [1200, 950],
                       "Share": [0.5, 0.25], "Note": ["Fictional", None]})


def frame_output(frame) -> nbformat.NotebookNode:
    data = {"text/plain": repr(frame)}
    if isinstance(frame, pd.DataFrame):  # a Series has no HTML of its own
        data["text/html"] = frame._repr_html_()
    if (payload := frames.payload(frame)) is not None:
        data[frames.TABLE_MIME] = payload
    return nbformat.v4.new_output("execute_result", data, execution_count=5)


def test_a_dataframe_is_a_captioned_table_without_its_meaningless_index():
    nb = notebook(code("#| tbl-cap: Visits by year (fictional)\nvisits", 5, frame_output(VISITS)))
    assert body(nb) == [b.Table("Visits by year (fictional)", ["Year", "Visits", "Share", "Note"],
                                [["2030/31", "1200", "0.50", "Fictional"],
                                 ["2031/32", "950", "0.25", ""]],
                                row_header=False, numeric=(1, 2), cls="frame")]


def test_a_named_index_heads_its_rows_and_a_table_without_a_caption_says_what_it_holds():
    frame = VISITS.set_index("Year")[["Visits"]]
    (table,) = body(notebook(code("visits", 5, frame_output(frame))))
    assert table == b.Table("Table of visits", ["Year", "Visits"],
                            [["2030/31", "1200"], ["2031/32", "950"]], row_header=True,
                            numeric=(1,), cls="frame")


def test_a_series_is_a_table_too():
    counts = pd.Series([3, 1], index=pd.Index(["Parks", "Pools"], name="Service"), name="Count")
    (table,) = body(notebook(code("counts", 5, frame_output(counts))))
    assert (table.headers, table.rows, table.row_header) == (
        ["Service", "Count"], [["Parks", "3"], ["Pools", "1"]], True)


@pytest.mark.parametrize("frame", [VISITS, VISITS.set_index("Year")[["Visits", "Share"]]],
                         ids=["range index", "named index"])
def test_a_dataframes_html_alone_gives_the_same_table_as_its_payload(frame):
    """A notebook run before perflib was imported has pandas' HTML only."""
    with_payload = body(notebook(code("x", 5, frame_output(frame))))
    html_only = nbformat.v4.new_output("execute_result", {"text/html": frame._repr_html_()},
                                       execution_count=5)
    from_html = body(notebook(code("x", 5, html_only)))
    assert [(t.headers, t.row_header, t.numeric) for t in from_html] == [
        (t.headers, t.row_header, t.numeric) for t in with_payload]
    assert [len(t.rows) for t in from_html] == [len(t.rows) for t in with_payload]


def test_a_styler_is_read_from_its_html_with_its_caption_and_formats():
    styler = VISITS[["Year", "Visits"]].style.hide(axis="index").format(
        {"Visits": "{:,}"}).set_caption("Visits (fictional)")
    output = nbformat.v4.new_output("execute_result", {"text/html": styler.to_html()},
                                    execution_count=5)
    (table,) = body(notebook(code("styled", 5, output)))
    assert table == b.Table("Visits (fictional)", ["Year", "Visits"],
                            [["2030/31", "1,200"], ["2031/32", "950"]], row_header=False,
                            numeric=(1,), cls="frame")


def test_the_html_of_a_multiindex_names_each_level_and_repeats_spanned_labels():
    frame = pd.DataFrame({"Visits": [1, 2, 3]}, index=pd.MultiIndex.from_tuples(
        [("North", "Parks"), ("North", "Pools"), ("South", "Parks")], names=["Area", "Service"]))
    expected = b.Table("Table of visits", ["Area", "Service", "Visits"],
                       [["North", "Parks", "1"], ["North", "Pools", "2"], ["South", "Parks", "3"]],
                       row_header=True, numeric=(2,), cls="frame")
    assert frames.from_html(frame._repr_html_(), "") == expected
    assert frames.from_payload(frames.payload(frame), "") == expected


def test_a_columns_name_is_not_taken_for_an_index_name():
    frame = pd.DataFrame({"Visits": [1, 2]}, index=["a", "b"]).rename_axis(columns="Measure")
    assert frames.from_html(frame._repr_html_(), "").headers == ["Visits"]


def test_multiindex_columns_join_their_levels():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("Visits", "2030/31"),
                                                                       ("Visits", "2031/32")]))
    payload = frames.payload(frame)
    from_html = frames.from_html(frame._repr_html_(), "")
    assert payload["columns"] == ["Visits 2030/31", "Visits 2031/32"]
    assert from_html.headers == ["Visits 2030/31", "Visits 2031/32"]


def test_a_long_dataframe_is_cut_and_says_so():
    long = pd.DataFrame({"n": range(frames.MAX_ROWS + 5)})
    table, note = body(notebook(code("long", 5, frame_output(long))))
    assert len(table.rows) == frames.MAX_ROWS
    assert note == b.Note("The first 1,000 of 1,005 rows.", "note")


def test_a_figure_and_table_payload_survive_a_notebook_written_and_read():
    image = np.ones((3, 4, 3))
    buf = __import__("io").BytesIO()
    matplotlib.image.imsave(buf, image, format="png")
    out = nbformat.v4.new_output("display_data", {
        "image/png": base64.b64encode(buf.getvalue()).decode(), "text/plain": "<Figure>"})
    nb = nbformat.reads(nbformat.writes(notebook(
        code("#| fig-alt: A fictional square\nplot()", 3, out),
        code("visits", 4, frame_output(VISITS)))), as_version=4)
    fig, table = body(nb)
    assert fig.image == buf.getvalue() and table.rows[0][0] == "2030/31"
