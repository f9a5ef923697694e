"""Notebook pages link a shared stylesheet and image files instead of inlining them
(scripts/pipeline/notebook_assets.py)."""

import base64
import os
import re
import struct
import subprocess
import sys
import zlib

import pytest

from scripts import ROOT
from scripts.pipeline.notebook_assets import (
    MIN_BYTES,
    NotebookImageError,
    description,
    exclude_copy_text_from_search,
    extract_images,
    extract_styles,
    file_name,
    image_name,
    with_description,
)

BIG_A = ".jupyter-wrapper { --a: 1; }" + " " * MIN_BYTES
BIG_B = ".jp-Cell { margin: 0; }" + " " * MIN_BYTES
SMALL = ".dataframe td { text-align: right; }"


def href(css: str) -> str:
    return "../../assets/stylesheets/" + file_name(css)


def test_large_blocks_become_one_link_in_place_of_the_first():
    html = f'<p>a</p><style type="text/css">{BIG_A}</style>\n<div>b</div><style>{BIG_B}</style><p>c</p>'
    out, css = extract_styles(html, href)
    assert css == BIG_A.strip() + "\n" + BIG_B.strip() + "\n"
    assert out == f'<p>a</p><link rel="stylesheet" href="{href(css)}">\n<div>b</div><p>c</p>'


def test_output_styles_stay_with_their_output():
    html = f"<style>{BIG_A}</style><div class='output'><style>{SMALL}</style><table></table></div>"
    out, css = extract_styles(html, href)
    assert f"<style>{SMALL}</style>" in out
    assert SMALL not in css


def test_page_without_large_styles_is_unchanged():
    html = f"<p>x</p><style>{SMALL}</style>"
    assert extract_styles(html, href) == (html, "")


def names_in_a_fresh_process(css: str, data: bytes) -> tuple[str, str]:
    """file_name and image_name as another Python process (another hash seed) computes them."""
    code = (
        "import sys; from scripts.pipeline.notebook_assets import file_name, image_name; "
        "print(file_name(sys.argv[1])); print(image_name(bytes.fromhex(sys.argv[2])))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, css, data.hex()],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "random", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    css_name, png_name = proc.stdout.split()
    return css_name, png_name


def test_file_name_follows_content():
    name = file_name(BIG_A)
    assert re.fullmatch(r"notebook\.[0-9a-f]{8}\.css", name), name
    assert file_name(BIG_A.replace("1", "2")) != name, "a changed stylesheet keeps its old name"
    # Stable across processes and hash seeds: two builds name the same CSS the same way.
    assert names_in_a_fresh_process(BIG_A, png(2, 2)) == (name, image_name(png(2, 2)))


def png(width: int, height: int) -> bytes:
    """A valid greyscale PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def img(data: bytes, extra: str = "") -> str:
    return f'<img alt="Residuals"{extra} src="data:image/png;base64,{base64.b64encode(data).decode()}">'


def test_embedded_pngs_become_lazy_files_with_their_size():
    wide, tall = png(30, 10), png(4, 12)
    out, images = extract_images(f"<p>a</p>{img(wide)}<p>b</p>{img(tall)}", lambda d: f"img/{image_name(d)}")
    assert images == [wide, tall]
    assert out == (
        f'<p>a</p><img alt="Residuals" src="img/{image_name(wide)}" width="30" height="10" loading="lazy">'
        f'<p>b</p><img alt="Residuals" src="img/{image_name(tall)}" width="4" height="12" loading="lazy">'
    )


def test_a_size_given_in_the_notebook_is_kept():
    out, _ = extract_images(img(png(30, 10), ' width="300"'), lambda d: "x.png")
    assert out == '<img alt="Residuals" width="300" src="x.png" loading="lazy">'


def test_other_images_are_left_alone():
    html = '<img src="../chart.svg" alt="Chart"><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">'
    assert extract_images(html, lambda d: "x.png") == (html, [])


def test_a_png_that_is_not_a_png_fails_loudly():
    with pytest.raises(NotebookImageError, match="not a PNG"):
        extract_images(img(b"GIF89a" + b"\x00" * 30), lambda d: "x.png")


def test_image_name_follows_content():
    name = image_name(png(2, 2))
    assert re.fullmatch(r"[0-9a-f]{12}\.png", name), name
    assert name != image_name(png(3, 2))


def test_description_round_trips_through_the_png():
    data = png(5, 3)
    described = with_description(data, "Histogram of prices in kEUR – log scale, 40 bins (m²)")
    assert description(described) == "Histogram of prices in kEUR – log scale, 40 bins (m²)"
    assert description(data) is None
    assert described.startswith(b"\x89PNG") and described.endswith(data[-12:])


def test_the_description_becomes_the_alt_text():
    placeholder = ' alt="No description has been provided for this image"'
    html = f'<img{placeholder} class="" src="data:image/png;base64,'
    html += base64.b64encode(with_description(png(4, 4), 'Errors by "area"')).decode() + '"/>'
    out, _ = extract_images(html, lambda d: "x.png")
    assert (
        out
        == '<img alt="Errors by &quot;area&quot;" class="" src="x.png" width="4" height="4" loading="lazy"/>'
    )


# --- search ------------------------------------------------------------------------------


def test_copy_button_text_is_kept_out_of_search_and_the_code_is_not():
    cell = (
        '<div class="highlight-ipynb"><pre>x = 1</pre></div>'
        '<div id="cell-3" class="clipboard-copy-txt">x = 1</div>'
    )
    marked = exclude_copy_text_from_search(cell)
    assert marked == (
        '<div class="highlight-ipynb"><pre>x = 1</pre></div>'
        '<div id="cell-3" class="clipboard-copy-txt" data-search-exclude>x = 1</div>'
    )
    assert exclude_copy_text_from_search(marked) == marked, "marking twice changes nothing"
