"""A small well-formedness check for the Mermaid ``graph TD`` blocks ``mlgov diff`` writes.

The grammar (one statement per line, two-space indent):

    graph TD
      <id>["<label>"]                 node; id = n_[A-Za-z0-9_]+, label without " [ ]
      <id> --> <id>                   edge between declared nodes
      classDef <name> <k>:<v>,...     style
      class <id>,<id> <name>          class of declared nodes, name declared before

plus: brackets balance on every line, every node but one (the root) has exactly
one parent, and the edges form a tree (no cycle, everything reachable from the root).
"""

from __future__ import annotations

import re

NODE = re.compile(r'^  (n_[A-Za-z0-9_]+)\["([^"\[\]]*)"\]$')
EDGE = re.compile(r"^  (n_[A-Za-z0-9_]+) --> (n_[A-Za-z0-9_]+)$")
CLASSDEF = re.compile(r"^  classDef ([A-Za-z]\w*) ([a-z-]+:[#\w. ]+(?:,[a-z-]+:[#\w. ]+)*)$")
CLASS = re.compile(r"^  class (n_[A-Za-z0-9_]+(?:,n_[A-Za-z0-9_]+)*) ([A-Za-z]\w*)$")
PAIRS = {")": "(", "]": "[", "}": "{"}


def balanced(line: str) -> bool:
    stack: list[str] = []
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "([{":
            stack.append(char)
        elif char in PAIRS:
            if not stack or stack.pop() != PAIRS[char]:
                return False
    return not stack and not quoted


def check_mermaid(block: str) -> dict[str, object]:
    """Raise AssertionError on the first ill-formed line; return nodes, edges and classes."""
    lines = block.split("\n")
    assert lines[0] == "graph TD", f"first line must be 'graph TD', got {lines[0]!r}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    class_defs: set[str] = set()
    classes: dict[str, set[str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        assert balanced(line), f"line {number}: unbalanced brackets: {line!r}"
        if match := NODE.match(line):
            assert match.group(1) not in nodes, f"line {number}: node {match.group(1)} declared twice"
            nodes[match.group(1)] = match.group(2)
        elif match := EDGE.match(line):
            assert match.group(1) in nodes and match.group(2) in nodes, f"line {number}: edge between undeclared nodes: {line!r}"
            edges.append((match.group(1), match.group(2)))
        elif match := CLASSDEF.match(line):
            class_defs.add(match.group(1))
        elif match := CLASS.match(line):
            members = match.group(1).split(",")
            assert match.group(2) in class_defs, f"line {number}: class {match.group(2)} used before its classDef"
            assert all(m in nodes for m in members), f"line {number}: class of undeclared node: {line!r}"
            classes.setdefault(match.group(2), set()).update(members)
        else:
            raise AssertionError(f"line {number}: not a statement of the grammar: {line!r}")
    parents: dict[str, str] = {}
    for parent, child in edges:
        assert child not in parents, f"{child} has two parents"
        parents[child] = parent
    roots = [node for node in nodes if node not in parents]
    assert len(roots) == 1, f"expected one root, got {roots}"
    for node in nodes:
        seen = {node}
        current = node
        while current in parents:
            current = parents[current]
            assert current not in seen, f"cycle through {current}"
            seen.add(current)
        assert current == roots[0], f"{node} not reachable from the root"
    return {"nodes": nodes, "edges": edges, "classes": classes, "root": roots[0]}


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)\n```", markdown, flags=re.S)
