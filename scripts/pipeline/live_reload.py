"""Live reload for the pipeline's own code while `mkdocs serve` runs.

MkDocs rebuilds the site whenever a watched file changes, but it loads a hook file once per
process and Python keeps every module it imported, so an edit to a table renderer or a schema
would be ignored until the server was restarted. Before each rebuild, `CodeWatch` compares the
repository's Python files loaded in the server with what they held when loaded:

- A change under scripts/: drop every module loaded from scripts/ and run the hook file again
  in the module object MkDocs keeps, so the rebuild imports all of the pipeline fresh. All of
  it, not only the changed file: a table module that kept the old schema's classes would mix
  them with the new ones (pydantic models, dataclasses, isinstance checks). The pipeline keeps
  no state from one build to the next (on_pre_build loads the knowledge base again), so no old
  object survives the reload.
- A change to any other of the repository's modules loaded in the server: it was not written to
  be reloaded (a third-party object may hold on to it), so the server says so and restarts
  itself with the same command line.

data/, snippets/, notebooks/ and docs/ need nothing here: every build reads them again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from types import ModuleType

from scripts import ROOT

log = logging.getLogger("mkdocs.plugins.live_reload")

RELOADABLE = "scripts"  # the folder, under the repository root, whose modules reload in place
_KEEP = ("__name__", "__file__", "__spec__", "__loader__", "__builtins__", "__package__", "__cached__")


class ReloadError(RuntimeError):
    """The changed code failed to import; the message names the file and line."""


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # deleted or moved: counts as a change
        return ""


class CodeWatch:
    """The repository's modules loaded in this process, and the content each was loaded from."""

    def __init__(
        self, hook: ModuleType, root: Path = ROOT, modules: MutableMapping[str, ModuleType] = sys.modules
    ):
        self.hook = hook
        self.root = root.resolve()
        self.modules = modules
        self.loaded: dict[Path, str] = {}
        self.record()

    def _loaded(self) -> Iterator[tuple[str, ModuleType, Path]]:
        """Name, module and file of every module loaded from the repository (not its venv)."""
        prefix = Path(sys.prefix).resolve()
        for name, module in list(self.modules.items()):
            file = getattr(module, "__file__", None)
            if file:
                path = Path(file).resolve()
                if path.is_relative_to(self.root) and not path.is_relative_to(prefix):
                    yield name, module, path

    def record(self) -> None:
        """Remember the content of modules loaded since the last call (after a build)."""
        for _name, _module, path in self._loaded():
            self.loaded.setdefault(path, _digest(path))

    def changed(self) -> list[Path]:
        return sorted(path for path, digest in self.loaded.items() if _digest(path) != digest)

    def needs_restart(self, changed: list[Path]) -> list[Path]:
        """The changed files that cannot be reloaded in place."""
        return [path for path in changed if not path.is_relative_to(self.root / RELOADABLE)]

    def reload(self, changed: list[Path]) -> None:
        """Import the pipeline afresh: drop its modules, run the hook file again in place."""
        for path in changed:  # a same-second, same-size edit would otherwise reuse stale bytecode
            Path(importlib.util.cache_from_source(str(path))).unlink(missing_ok=True)
        loaded = list(self._loaded())
        # Hashed before importing: an edit made meanwhile shows as a change next time.
        digests = {path: _digest(path) for _name, _module, path in loaded}
        for name, module, path in loaded:
            if path.is_relative_to(self.root / RELOADABLE) and module is not self.hook:
                del self.modules[name]
        namespace = self.hook.__dict__
        for name in [n for n in namespace if n not in _KEEP]:
            del namespace[name]  # a function deleted from the hook file must not stay registered
        try:
            self.hook.__spec__.loader.exec_module(self.hook)
        except Exception as exc:  # keep the old digests: the next rebuild tries again
            raise ReloadError(_describe(exc, self.root)) from None
        self.loaded = digests
        self.record()

    def before_build(self, restart: Callable[[], None]) -> None:
        changed = self.changed()
        if not changed:
            return
        names = ", ".join(str(p.relative_to(self.root)) for p in changed)
        stuck = self.needs_restart(changed)
        if stuck:
            log.warning(
                "%s changed and cannot be reloaded in place (only modules under %s/ can); "
                "restarting the server",
                ", ".join(str(p.relative_to(self.root)) for p in stuck),
                RELOADABLE,
            )
            restart()
            return
        log.info("Reloading the site's code (%s changed)", names)
        self.reload(changed)


def _describe(exc: Exception, root: Path) -> str:
    """One line naming the file and line of an import failure, and what to do."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f"{_shown(Path(exc.filename), root)}:{exc.lineno}: "
    else:
        tb = exc.__traceback__
        while tb is not None:
            file = Path(tb.tb_frame.f_code.co_filename)
            if file.is_relative_to(root):
                where = f"{_shown(file, root)}:{tb.tb_lineno}: "
            tb = tb.tb_next
    return (
        f"{where}{type(exc).__name__}: {exc}\n"
        "The changed code did not import; fix it and save, and the server rebuilds with it."
    )


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def restart_server(site_dir: str) -> None:
    """Replace this process with the same command line (`make serve`, `mkdocs serve ...`)."""
    shutil.rmtree(site_dir, ignore_errors=True)  # the server's temporary site, as on shutdown
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, sys.orig_argv)


def before_each_build(builder: Callable[..., None], hook: ModuleType, site_dir: str) -> Callable[..., None]:
    """Wrap MkDocs' rebuild so the pipeline's code is current before each build."""
    watch = CodeWatch(hook)

    def build(*args, **kwargs) -> None:
        watch.before_build(restart=lambda: restart_server(site_dir))
        builder(*args, **kwargs)
        watch.record()

    return build
