"""Every snippet runs, within its timeout, and prints what its pages show.

The pages show the output of a cached run (scripts/pipeline/snippet_exec.py), keyed by the
snippet's content, the helpers it imports, the runner and the lock file. A snippet with no
cache entry (always the case in CI, which starts from a clean clone) runs twice; the runs are
compared and the entry is stored, marked reproduced. A snippet whose entry the build stored
runs once more and is compared with it. An entry already reproduced is not run again: the
same content has printed the same output twice (`make snippets` runs every snippet fresh).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT
from scripts.pipeline import directives, snippet_exec
from scripts.pipeline.cache import imported_snippet_files

SNIPPETS = snippet_exec.discover()
USAGES = directives.snippet_usages(ROOT / "docs")
# Snippets that spend most of a run on timers (retry back-off, deadlines), not the CPU: on a
# cold cache their verification runs first, beside the real site's build (tests/conftest.py).
# Run side by side later, the two left both cores idle for about 7 s of a cold run
# (2026-12-05). Scheduling only: a wrong entry costs speed, never a check.
WAITING = frozenset({"snippets/llm/client_resilience.py", "snippets/llm/latency_budget.py"})


def included_by(path: str) -> str:
    pages = USAGES.get(path, [])
    return "included by " + ", ".join(pages) if pages else "included by no page"


@pytest.mark.parametrize(
    "path", [pytest.param(p, marks=pytest.mark.waits) if p in WAITING else p for p in SNIPPETS]
)
def test_snippet_runs_and_matches_what_the_page_shows(path):
    # Against the cached output the pages show; on a cold cache, against a second fresh run.
    failure = snippet_exec.verify(path)
    if failure:
        pytest.fail(f"{failure}\n({included_by(path)})", pytrace=False)


def test_every_snippet_scheduled_as_waiting_exists():
    assert WAITING <= set(SNIPPETS), f"no such snippet: {sorted(WAITING - set(SNIPPETS))}"


@pytest.mark.parametrize("path", SNIPPETS)
def test_snippet_is_included_by_a_page(path):
    assert path in USAGES, (
        f"{path} is included by no page; include it with <!-- snippet: {path} --> or remove it"
    )


def test_every_snippet_directive_resolves():
    problems = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT / "docs").as_posix()
        for directive in directives.find(page.read_text(encoding="utf-8"), rel):
            if directive.kind == "snippet":
                try:
                    directives.check_snippet(directive, ROOT)
                except directives.DirectiveError as exc:
                    problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_a_raising_snippet_fails_naming_file_and_section(scratch_snippet, interpreter):
    path = scratch_snippet(
        'print("ok")\n# --8<-- [start:boom]\nraise RuntimeError("broken on purpose")\n# --8<-- [end:boom]\n'
    )
    with pytest.raises(snippet_exec.SnippetError) as info:
        snippet_exec.execute(path, interpreter=interpreter)
    message = str(info.value)
    assert path in message and "section 'boom'" in message and "broken on purpose" in message
    assert "line 3" in message  # the traceback points at the snippet's own line


def test_a_hanging_snippet_is_killed_at_its_timeout(scratch_snippet, interpreter):
    path = scratch_snippet("# /// snippet\n# timeout = 0.5\n# ///\nwhile True:\n    pass\n")
    with pytest.raises(snippet_exec.SnippetError, match="within its 0.5 s timeout"):
        snippet_exec.execute(path, interpreter=interpreter)


def test_sections_get_their_own_output_and_figures(scratch_snippet, interpreter):
    path = scratch_snippet(
        "import matplotlib.pyplot as plt\n"
        'print("setup")\n'
        "# --8<-- [start:one]\n"
        'print("first")\n'
        "# --8<-- [end:one]\n"
        "# --8<-- [start:two]\n"
        "plt.plot([1, 2, 3])\n"
        'plt.title("A line")\n'
        "plt.show()\n"
        'print("second")\n'
        "# --8<-- [end:two]\n"
    )
    result = snippet_exec.execute(path, interpreter=interpreter)
    assert result.output("one") == "first\n"
    assert result.output("two") == "second\n"
    assert result.output() == "setup\nfirst\nsecond\n"
    assert len(result.figures("two")) == 1 and result.figures("one") == []
    assert "A line" in result.figures("two")[0]["alt"]


def test_stale_output_is_detected(scratch_snippet):
    path = scratch_snippet('# --8<-- [start:a]\nprint("new")\n# --8<-- [end:a]\n')
    fresh = snippet_exec.execute(path)
    stale = snippet_exec.Result(path, (snippet_exec.Section("a", "old\n", ()),), 0.0)
    problems = snippet_exec.differences(stale, fresh)
    assert problems and "section 'a'" in problems[0] and "-old" in problems[0] and "+new" in problems[0]


def test_output_that_changes_between_runs_names_its_section_once(scratch_snippet, tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))  # a cold cache
    path = scratch_snippet(
        'import uuid\nprint("setup")\n'
        "# --8<-- [start:draw]\nprint(uuid.uuid4())\n# --8<-- [end:draw]\n"
        'print("done")\n'
    )
    failure = snippet_exec.verify(path)
    assert failure is not None, "a snippet printing a random value passed on a cold cache"
    assert failure.startswith(f"{path}: output is not reproducible")
    assert failure.count("section 'draw'") == 1 and "outside" not in failure
    assert failure.count("+++ fresh run") == 1, failure
    assert snippet_exec.cached(path) is None, "an output that changes between runs must not be stored"


def test_a_reproducible_snippet_passes_on_a_cold_cache_and_warms_it(scratch_snippet, tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    path = scratch_snippet('print("setup")\n# --8<-- [start:a]\nprint(2 + 2)\n# --8<-- [end:a]\n')
    assert snippet_exec.verify(path) is None
    assert snippet_exec.cached(path).output("a") == "4\n"
    assert snippet_exec.cached(path).reproduced is True


def test_a_build_stored_output_is_reproduced_once_then_trusted(scratch_snippet, tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    path = scratch_snippet('print("a")\n')
    snippet_exec.run_cached(path)  # what a build does: one run, stored, not yet reproduced
    assert snippet_exec.cached(path).reproduced is False
    runs = []
    real_execute = snippet_exec.execute
    monkeypatch.setattr(snippet_exec, "execute", lambda p: runs.append(p) or real_execute(p))
    assert snippet_exec.verify(path) is None and runs == [path]
    assert snippet_exec.cached(path).reproduced is True
    assert snippet_exec.verify(path) is None and runs == [path], "a reproduced entry ran again"
    assert snippet_exec.verify(path, fresh=True) is None and runs == [path, path]


def test_a_snippet_handles_ctrl_c_as_a_fresh_interpreter_would(scratch_snippet, interpreter):
    # Python makes Ctrl-C raise KeyboardInterrupt unless its parent ignores SIGINT (a
    # background job does); whichever holds here, a snippet must see the same.
    code = "import signal\nprint(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path = scratch_snippet(code)
    assert snippet_exec.execute(path, interpreter=interpreter).output() == fresh.stdout


def test_on_a_cold_cache_the_second_run_is_a_fresh_interpreter(scratch_snippet, tmp_path, monkeypatch):
    # Two forks of one server share its memory layout; the runs that decide whether an
    # output is reproducible must not.
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    path = scratch_snippet('print("a")\n')
    seen = []
    real_execute = snippet_exec.execute

    def recording(p, **options):
        seen.append(options.get("interpreter", "auto"))
        return real_execute(p, **options)

    monkeypatch.setattr(snippet_exec, "execute", recording)
    assert snippet_exec.verify(path) is None
    assert seen == ["auto", "fresh"]


@pytest.mark.waits
def test_the_build_and_a_test_meeting_on_one_snippet_run_it_twice_not_three_times(
    scratch_snippet, tmp_path, monkeypatch
):
    # On a cold cache the real build (run_cached) and a test (verify) can reach the same
    # snippet at once. Each run takes long enough that both start before either stores.
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path / "cache"))
    runs = tmp_path / "runs.txt"
    path = scratch_snippet(
        f"import time\nwith open({str(runs)!r}, 'a') as f:\n    f.write('run\\n')\ntime.sleep(0.5)\nprint('a')\n"
    )
    with ThreadPoolExecutor(2) as pool:
        build = pool.submit(snippet_exec.run_cached, path)
        test = pool.submit(snippet_exec.verify, path)
        assert (build.result().output(), test.result()) == ("a\n", None)
    assert runs.read_text().count("run") == 2
    assert snippet_exec.cached(path).reproduced is True


def test_a_single_run_stored_late_does_not_undo_a_reproduced_entry(scratch_snippet, tmp_path, monkeypatch):
    # The real build runs a snippet while a test verifies it; if the build stores last, the
    # entry must stay reproduced, or the next warm run executes the snippet again.
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    path = scratch_snippet('print("a")\n')
    late = snippet_exec.execute(path)
    assert snippet_exec.verify(path) is None and snippet_exec.cached(path).reproduced
    snippet_exec.store(late)
    assert snippet_exec.cached(path).reproduced is True
    assert list((tmp_path / "snippets").glob("*.tmp")) == [], "a temporary file was left behind"


def test_a_stored_output_that_a_fresh_run_contradicts_fails_and_stays_unreproduced(
    scratch_snippet, tmp_path, monkeypatch
):
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    path = scratch_snippet('# --8<-- [start:a]\nprint("new")\n# --8<-- [end:a]\n')
    snippet_exec.store(snippet_exec.Result(path, (snippet_exec.Section("a", "old\n", ()),), 0.0))
    failure = snippet_exec.verify(path)
    assert failure and "section 'a'" in failure and "-old" in failure
    assert snippet_exec.cached(path).reproduced is False


def test_volatile_lines_compare_with_digits_masked(scratch_snippet):
    path = scratch_snippet(
        '# /// snippet\n# volatile = ["p95"]\n# ///\nprint("p95 = 12.5 ms")\nprint("n = 3")\n'
    )
    fresh = snippet_exec.execute(path)
    other = snippet_exec.Result(path, (snippet_exec.Section(None, "p95 = 9.1 ms\nn = 3\n", ()),), 0.0)
    assert snippet_exec.differences(other, fresh) == []
    changed = snippet_exec.Result(path, (snippet_exec.Section(None, "p95 = 9.1 ms\nn = 4\n", ()),), 0.0)
    assert snippet_exec.differences(changed, fresh)


def test_volatile_numbers_compare_equal_whatever_their_padding():
    assert snippet_exec.mask(f"p99 {9.1:6.1f} ms", ("p99",)) == snippet_exec.mask(
        f"p99 {123.4:6.1f} ms", ("p99",)
    )
    assert snippet_exec.mask("p99 9 ms, 3 rows", ("p99",)) != snippet_exec.mask("p99 9 ms, 3 cols", ("p99",))


def test_cache_key_changes_with_content_only(scratch_snippet):
    path = scratch_snippet('print("a")\n')
    first = snippet_exec.cache_key(path)
    assert snippet_exec.cache_key(path) == first
    Path(ROOT / path).write_text('print("b")\n', encoding="utf-8")
    assert snippet_exec.cache_key(path) != first


def test_a_snippet_reruns_when_a_helper_it_imports_changes(scratch_snippet, monkeypatch):
    path = scratch_snippet("from snippets.skills.evaluation.model_comparison import decide\n")
    helper = (ROOT / path).parent / "model_comparison.py"
    helper.write_text("def decide(): ...\n", encoding="utf-8")
    seen = []

    def fake_imports(source, origin):
        seen.append(source)
        return [helper]

    monkeypatch.setattr(snippet_exec, "imported_snippet_files", fake_imports)
    first = snippet_exec.cache_key(path)
    helper.write_text("def decide(): return 1\n", encoding="utf-8")
    assert snippet_exec.cache_key(path) != first
    assert "model_comparison" in seen[0]


def test_helper_imports_are_found_through_each_other_and_a_missing_one_fails(tmp_path):
    (tmp_path / "snippets" / "lib").mkdir(parents=True)
    (tmp_path / "snippets" / "lib" / "a.py").write_text("from snippets.lib.b import x\n", encoding="utf-8")
    (tmp_path / "snippets" / "lib" / "b.py").write_text("x = 1\n", encoding="utf-8")
    found = imported_snippet_files("import numpy\nfrom snippets.lib.a import y\n", "page.py", root=tmp_path)
    assert [p.name for p in found] == ["a.py", "b.py"]
    with pytest.raises(
        FileNotFoundError, match=r"page.py imports snippets.lib.gone, but snippets/lib/gone.py"
    ):
        imported_snippet_files("from snippets.lib.gone import z\n", "page.py", root=tmp_path)


def test_the_real_helper_is_part_of_its_users_cache_keys():
    source = (ROOT / "snippets/skills/evaluation/champion_vs_challenger.py").read_text(encoding="utf-8")
    found = imported_snippet_files(source, "champion_vs_challenger.py")
    assert ROOT / "snippets/skills/evaluation/model_comparison.py" in found


def test_a_snippet_that_is_not_utf8_fails_naming_file_and_line(scratch_snippet):
    path = scratch_snippet("placeholder\n")
    (ROOT / path).write_bytes(b'print("ok")\nprint("caf\xe9")\n')
    with pytest.raises(snippet_exec.SnippetError, match=rf"{path} line 2: byte 0xe9 .* not valid UTF-8"):
        snippet_exec.execute(path)
