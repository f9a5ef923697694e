"""Execute one snippet file section by section and write what each section printed as JSON.

Runs in its own process (started by ``scripts.pipeline.snippet_exec``), so a crash, a hang or a
stray server thread cannot take the build down: the parent kills the process group on
timeout. Usage: ``python -m scripts.pipeline.snippet_worker SNIPPET.py OUT.json``.

The file runs top to bottom in one namespace, exactly as ``python SNIPPET.py`` would, but
split at the ``# --8<-- [start:name]`` / ``# --8<-- [end:name]`` markers so that the
output of each named section can be shown under that section on the page.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import traceback
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from scripts.pipeline.snippet_sections import split_chunks


def _collect_figures(alt_prefix: str) -> list[dict[str, str]]:
    """Save and close every open matplotlib figure (only if the snippet imported pyplot)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    import matplotlib

    figures = []
    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        # Text stays text (small, searchable); no date and a fixed salt: same figure, same bytes.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "snippet"}):
            fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        title = fig._suptitle.get_text() if fig._suptitle else ""
        if not title:
            titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
            title = "; ".join(titles)
        figures.append(
            {
                "svg_base64": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "alt": f"{alt_prefix}: {title}" if title else alt_prefix,
            }
        )
        plt.close(fig)
    return figures


def run(path: Path) -> dict:
    source = path.read_text(encoding="utf-8")
    chunks = split_chunks(source)
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": __builtins__}
    # Like `python path`: the snippet's own folder is first on sys.path.
    sys.path[0] = str(path.parent.resolve())
    sys.argv = [str(path)]
    results: list[dict] = []
    for chunk in chunks:
        out, err = io.StringIO(), io.StringIO()
        record = {"name": chunk.name, "stdout": "", "stderr": "", "figures": []}
        results.append(record)
        # Pad with blank lines so tracebacks point at the real line of the file.
        code = "\n" * (chunk.start_line - 1) + chunk.code
        try:
            # dont_inherit: this module's `from __future__ import annotations` must not leak
            # into the snippet (pydantic and FastAPI resolve annotations at run time).
            compiled = compile(code, str(path), "exec", dont_inherit=True)
            with redirect_stdout(out), redirect_stderr(err):
                exec(compiled, namespace)  # running the snippet is the point
        except SystemExit as exc:
            record["stdout"], record["stderr"] = out.getvalue(), err.getvalue()
            if exc.code not in (None, 0):
                return {"sections": results, "error": f"SystemExit({exc.code!r})"}
            break
        except BaseException:  # report any failure, KeyboardInterrupt included
            record["stdout"], record["stderr"] = out.getvalue(), err.getvalue()
            # Skip this worker's own frame: the reader needs the snippet's lines only.
            _, error, tb = sys.exc_info()
            return {
                "sections": results,
                "error": "".join(traceback.format_exception(type(error), error, tb.tb_next)),
            }
        record["stdout"], record["stderr"] = out.getvalue(), err.getvalue()
        label = f"Figure from {path.as_posix()}" + (f" ({chunk.name})" if chunk.name else "")
        record["figures"] = _collect_figures(label)
    return {"sections": results, "error": None}


def main(argv: list[str]) -> int:
    path, out_path = Path(argv[0]), Path(argv[1])
    # The parent sets MPLBACKEND=Agg, so importing matplotlib here is not needed (and would
    # cost every snippet that never plots). plt.show() is how a snippet says "show this figure"; under Agg it only warns.
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    result = run(path)
    out_path.write_text(json.dumps(result), encoding="utf-8")
    return 1 if result["error"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
