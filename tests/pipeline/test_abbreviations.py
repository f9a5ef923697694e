"""Abbreviation tooltips are kept on first use only (scripts/pipeline/abbreviations.py)."""

from scripts.pipeline.abbreviations import first_use_only, none

BLS = '<abbr title="US Bureau of Labor Statistics">BLS</abbr>'
AI = '<abbr title="Artificial intelligence">AI</abbr>'


def test_keeps_the_first_of_each_and_unwraps_the_rest():
    html = f"<p>{BLS} data on {AI}.</p><td>{BLS}</td><p>{AI} and {BLS}</p>"
    assert first_use_only(html) == f"<p>{BLS} data on {AI}.</p><td>BLS</td><p>AI and BLS</p>"


def test_text_of_the_page_is_unchanged():
    html = f"<h2>{AI} jobs</h2><p>{AI}, {AI}; {BLS}</p>"
    strip = lambda s: s.replace(AI, "AI").replace(BLS, "BLS")  # noqa: E731
    assert strip(first_use_only(html)) == strip(html)


def test_abbreviations_are_case_sensitive_and_other_markup_is_untouched():
    ml = '<abbr title="Machine learning">ML</abbr>'
    mlops = '<abbr title="Machine learning operations">MLOps</abbr>'
    html = f'<p>{ml} <a href="#x" title="t">{mlops}</a> <code>ML</code> {mlops}</p>'
    assert first_use_only(html) == f'<p>{ml} <a href="#x" title="t">{mlops}</a> <code>ML</code> MLOps</p>'


def test_page_without_abbreviations_is_returned_as_is():
    html = "<p>No abbreviations <abbreviated>here</abbreviated>.</p>"
    assert first_use_only(html) == html


def test_none_unwraps_every_abbreviation_and_keeps_the_text():
    html = f'<p>{BLS} on {AI}</p><td>{AI}</td><a title="t">x</a>'
    assert none(html) == '<p>BLS on AI</p><td>AI</td><a title="t">x</a>'
