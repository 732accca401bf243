"""Property: whatever a person does to the stack files and the catalogue, ``mlgov plan`` answers with
exit 0, 1 or 2, never a traceback or asyncio noise, and an exit 2 names a key path that exists in
the input (or, for a missing setting, whose parent does).

Mutations of the valid samples: a value replaced by another of any type (text with markup,
unicode, huge numbers, lists, maps), a key removed or added, a list entry repeated, the text
itself cut or sprinkled with bytes. The example count is small by default and configurable
(``tests/strategies.py``).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app
from tests.config.mistakes import STACKS, copy_stacks
from tests.strategies import MUTATION_EXAMPLES, PLAN_PHASES

FILES = sorted(path.name for path in STACKS.glob("*.yaml"))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.sampled_from(["[/bold]", "[secret]", "eu-wset-1", "R&D", "ml.g5.xlarg", "refs/heads/main", "10.0.0.1/16", "Root", "org", "dev", "prod", "", " ", "x" * 300, "Ünïcødé", "mlgov:kind"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=8)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, prefix + (index,))
    return found


def _parent_and_key(document: Any, path: tuple) -> tuple[Any, Any]:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node, path[-1]


@st.composite
def mutation(draw) -> tuple[str, str]:
    """(file, new text) of one mutated sample file."""
    file = draw(st.sampled_from(FILES))
    text = (STACKS / file).read_text()
    kind = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "repeat", "text"]))
    if kind == "text":
        position = draw(st.integers(min_value=0, max_value=len(text)))
        inserted = draw(st.sampled_from(["", "\t", ":", "- ", "[", "&a", "*a", "!!binary x", "\n  bad: [", "\u00e9", "{", "---\n"]))
        return file, text[:position] + inserted + text[position + draw(st.integers(min_value=0, max_value=20)):]
    document = yaml.safe_load(text)
    paths = [path for path in _paths(document) if path]
    path = draw(st.sampled_from(paths))
    parent, key = _parent_and_key(document, path)
    if kind == "replace":
        parent[key] = draw(VALUES)
    elif kind == "delete":
        del parent[key]
    elif kind == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["mlgov:extra", "extra", "mlgvo:kind", "aws:regoin", "name", "stages"]))] = draw(VALUES)
    elif kind == "repeat" and isinstance(parent, list):
        parent.append(parent[key])
    return file, yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


_SECTION = re.compile(r"Invalid configuration for (?:stack '[^']*'|the project catalogue) \((?P<source>[^)]*)\)")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


def _steps(path: str) -> list[Any] | None:
    first = re.match(r"[^.\[]+", path)
    steps: list[Any] = [first.group(0)] if first else []
    rest = path[first.end():] if first else path
    while rest:
        match = _STEP.match(rest)
        if not match:
            return None
        name, index, quoted = match.groups()
        steps.append(name if name is not None else int(index) if index is not None else ast.literal_eval(quoted))
        rest = rest[match.end():]
    return steps


def _exists(document: Any, steps: list[Any]) -> bool:
    node = document
    for step in steps:
        if isinstance(node, dict):
            match = next((key for key in node if str(key) == str(step)), None)
            if match is None:
                return False
            node = node[match]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return False
    return True


def _named_path_exists(folder: Path, source: str, line: str) -> bool:
    """Whether the key path of an error line exists in the file its section names (or its parent, for a missing key)."""
    text = line[len("- "):]
    file = Path(source).name
    head, _, rest = text.partition(": ")
    candidate = rest.split(": ", 1)[0]
    if head == file and not file.startswith("Pulumi.") and ": " in rest and re.fullmatch(r"\S+", candidate):
        path = candidate  # catalogue lines: "projects.yaml: projects[1].team: ..." (key paths quote spaces)
    else:
        path = head
    if path == file:
        return True  # the whole file (encoding, syntax, shape)
    try:
        document = yaml.safe_load((folder / file).read_text())
    except Exception:  # the file does not parse: only whole-file paths make sense
        return False
    steps = _steps(path)
    if steps is None:
        return False
    roots = [document]
    if file.startswith("Pulumi.") and isinstance(document, dict) and isinstance(document.get("config"), dict):
        roots.append(document["config"])
    if any(_exists(root, steps) for root in roots):
        return True
    # A key the person should add (a missing setting, or an account's own 'email' instead of the template's).
    says_missing = any(word in text for word in ("Field required", "is missing", "lacks", "add this key", f"set '{steps[-1]}'"))
    return says_missing and any(len(steps) == 1 or _exists(root, steps[:-1]) for root in roots)


def _run(folder: Path, stack: str):
    _register_commands()
    noise = io.StringIO()
    with contextlib.redirect_stderr(noise):
        result = CliRunner().invoke(app, ["plan", stack, "--stacks-dir", str(folder), "--no-policy"])
        gc.collect()  # asyncio reports destroyed pending tasks when they are collected
    return result, noise.getvalue()


@settings(max_examples=MUTATION_EXAMPLES, phases=PLAN_PHASES)
@given(mutation())
def test_a_mutated_configuration_never_crashes_and_names_real_key_paths(tmp_path_factory, change):
    file, text = change
    folder = copy_stacks(tmp_path_factory.mktemp("mutated"))
    (folder / file).write_text(text)
    stack = file.removeprefix("Pulumi.").removesuffix(".yaml") if file.startswith("Pulumi.") else "sandbox"
    result, noise = _run(folder, stack)
    output = result.output + noise
    assert result.exit_code in (0, 1, 2), output
    assert "Traceback" not in output and "Task was destroyed" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code != 2:
        return
    source = None
    named = 0
    for line in output.splitlines():
        section = _SECTION.search(line)
        if section:
            source = section.group("source")
            continue
        if line.startswith("  - ") and source is not None:
            named += 1
            assert _named_path_exists(folder, source, line.strip()), f"{line.strip()}\n--- {file} ---\n{text}"
    assert named, f"exit 2 without a key path:\n{output}"
