"""Reading the YAML files people edit (stack files, the project catalogue).

Plain ``yaml.safe_load`` lets several mistakes through silently or crashes on
them: a repeated key keeps the last value, a file saved as Latin-1 raises
``UnicodeDecodeError``, anchors and aliases can describe a document a billion
nodes large ("billion laughs") in a few lines, and dates or sets turn into Python
objects no setting takes. This loader composes the node graph first (aliases
stay shared, nothing is expanded), measures it, refuses duplicate keys with both
line numbers and unknown types, and only then builds the Python values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mlgov.config.errors import ConfigIssue

MAX_FILE_BYTES = 5_000_000
"""A hand-written stack file or catalogue is a few kilobytes; this leaves room for thousands of projects."""
MAX_EXPANDED_NODES = 200_000
"""Values the document holds once every alias is expanded; a large catalogue holds tens of thousands."""
MAX_EXPANDED_CHARACTERS = 20_000_000
"""Characters of text the document holds once every alias is expanded."""
MAX_DEPTH = 64
"""Nesting levels; no setting nests more than five."""

_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map")}
_MERGE_TAG = _YAML + "merge"
_TYPE_NAMES = {_YAML + "timestamp": "a date", _YAML + "binary": "binary data", _YAML + "set": "a set", _YAML + "omap": "an ordered map", _YAML + "pairs": "a list of pairs"}

PathRenderer = Callable[[list[Any]], str]
"""Turns the keys and indexes leading to a node into the key path shown to people."""


class YamlFileError(Exception):
    """The file cannot be read as the settings it should hold; ``issues`` say where and why."""

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = issues
        super().__init__("; ".join(issue.render() for issue in issues))


class _Loader(yaml.SafeLoader):
    """SafeLoader whose values are built only after the composed document was inspected."""


def load_yaml(path: Path, render_path: PathRenderer) -> Any:
    """The document in ``path``; raises YamlFileError (file name as the key path for whole-file problems)."""
    file_path = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise YamlFileError([ConfigIssue(file_path, f"cannot be read ({error.strerror})", "check the file's permissions")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlFileError([ConfigIssue(file_path, f"is {len(data):,} bytes; settings files are read up to {MAX_FILE_BYTES:,}", "split or shorten the file")])
    text = _decode(data, file_path)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise YamlFileError([ConfigIssue(file_path, f"nests values more than {MAX_DEPTH} levels deep", "flatten the document")]) from None
        except yaml.YAMLError as error:
            raise YamlFileError([ConfigIssue(file_path, f"is not valid YAML: {_one_line(error)}", "fix the YAML syntax at the line named")]) from None
        if node is None:
            return None
        issues = _Inspection(file_path, render_path).run(node)
        if issues:
            raise YamlFileError(issues)
        try:
            return loader.construct_document(node)
        except yaml.YAMLError as error:
            raise YamlFileError([ConfigIssue(file_path, f"is not valid YAML: {_one_line(error)}", "fix the YAML syntax at the line named")]) from None
    finally:
        loader.dispose()


def _decode(data: bytes, file_path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlFileError(
            [
                ConfigIssue(
                    file_path,
                    f"is not UTF-8 text: byte {data[error.start]:#04x} on line {line} is not valid UTF-8",
                    "save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`)",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _one_line(error: yaml.YAMLError) -> str:
    return " ".join(str(error).split())


class _Inspection:
    """One pass over the composed nodes: sizes with aliases expanded (memoised, so never materialised), keys, types."""

    def __init__(self, file_path: str, render_path: PathRenderer):
        self.file_path = file_path
        self.render_path = render_path
        self.sizes: dict[int, tuple[int, int]] = {}
        self.open: set[int] = set()
        self.issues: list[ConfigIssue] = []

    def run(self, root: Node) -> list[ConfigIssue]:
        try:
            nodes, characters = self.size(root, [])
        except _Refused as refused:
            return [refused.issue]
        if nodes > MAX_EXPANDED_NODES or characters > MAX_EXPANDED_CHARACTERS:
            return [
                ConfigIssue(
                    self.file_path,
                    f"expands to {nodes:,} values and {characters:,} characters once its aliases are resolved; "
                    f"settings files may expand to {MAX_EXPANDED_NODES:,} values and {MAX_EXPANDED_CHARACTERS:,} characters",
                    "write the values out instead of nesting aliases (*name) of aliases",
                )
            ]
        return self.issues

    def size(self, node: Node, parts: list[Any]) -> tuple[int, int]:
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            raise _Refused(ConfigIssue(self.at(parts), "contains itself through an alias", "remove the alias that points back to its own anchor"))
        if len(parts) > MAX_DEPTH:
            raise _Refused(ConfigIssue(self.file_path, f"nests values more than {MAX_DEPTH} levels deep", "flatten the document"))
        self.open.add(key)
        self.check_tag(node, parts)
        if isinstance(node, ScalarNode):
            total = (1, len(node.value))
        elif isinstance(node, SequenceNode):
            total = self.children(((index, item) for index, item in enumerate(node.value)), parts)
        else:
            assert isinstance(node, MappingNode)
            total = self.children(self.mapping_entries(node, parts), parts)
        self.open.discard(key)
        self.sizes[key] = total
        return total

    def children(self, entries: Any, parts: list[Any]) -> tuple[int, int]:
        nodes, characters = 1, 0
        for part, child in entries:
            child_nodes, child_characters = self.size(child, parts + [part])
            nodes, characters = nodes + child_nodes, characters + child_characters
            if nodes > MAX_EXPANDED_NODES or characters > MAX_EXPANDED_CHARACTERS:
                break  # already too large: the caller reports it without counting the rest
        return nodes, characters

    def mapping_entries(self, node: MappingNode, parts: list[Any]) -> Any:
        first: dict[tuple[str, str], Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                yield "<<", value_node
                continue
            if not isinstance(key_node, ScalarNode):
                raise _Refused(ConfigIssue(self.at(parts), "has a key that is a list or a map", "use plain text keys"))
            identity = (key_node.tag, key_node.value)
            if identity in first:
                self.issues.append(
                    ConfigIssue(
                        self.at(parts + [key_node.value]),
                        f"is set twice, {_where(first[identity], key_node.start_mark)}; YAML would silently keep only the last one",
                        "keep one of the two entries (merge their values)",
                    )
                )
            else:
                first[identity] = key_node.start_mark
            yield key_node.value, value_node

    def check_tag(self, node: Node, parts: list[Any]) -> None:
        if node.tag in _PLAIN_TAGS:
            return
        kind = _TYPE_NAMES.get(node.tag, f"a value of the YAML type {node.tag}")
        shown = (node.value,) if isinstance(node, ScalarNode) else ()
        self.issues.append(ConfigIssue(self.at(parts), f"is read as {kind}, which no setting takes", "write the value as quoted text, or as a plain list or map", *shown))

    def at(self, parts: list[Any]) -> str:
        return self.render_path(parts) if parts else self.file_path


def _where(first: Any, second: Any) -> str:
    if first.line == second.line:
        return f"on line {first.line + 1} (columns {first.column + 1} and {second.column + 1})"
    return f"on lines {first.line + 1} and {second.line + 1}"


class _Refused(Exception):
    def __init__(self, issue: ConfigIssue):
        self.issue = issue
