"""A snippet's definitions without its demonstration, for tests of what its page shows.

Importing a snippet runs its demo, which can cost seconds (a hung model waited out, a
pipeline run end to end) in every test worker that imports it. A test of one class or
function needs only the definitions.
"""

from __future__ import annotations

import ast
import types

from scripts import ROOT

DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _is_constant(node: ast.stmt) -> bool:
    """An assignment to UPPER_CASE names only: the snippets' convention for settings."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    return all(isinstance(t, ast.Name) and t.id.isupper() for t in targets)


def definitions(path: str) -> types.ModuleType:
    """The top-level imports, functions, classes and UPPER_CASE constants of the snippet at
    ``path`` (relative to the repository root), run in a module of their own. Everything
    else, the demo with its prints and asserts, is left out. A function that reads a name
    only the demo defines raises NameError when a test calls it: it fails, never passes
    on a stale copy."""
    file = ROOT / path
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=path)
    tree.body = [node for node in tree.body if isinstance(node, DEFINITIONS) or _is_constant(node)]
    module = types.ModuleType(f"{path} (definitions only)")
    module.__file__ = str(file)
    exec(compile(tree, str(file), "exec"), module.__dict__)
    return module
