"""The YAML loader measures a document before building it, and refuses what plain YAML accepts silently."""

from __future__ import annotations

import pytest

from mlgov.config.errors import format_path
from mlgov.config.yaml_files import MAX_EXPANDED_NODES, YamlFileError, _Loader, load_yaml

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi")
)


def test_an_alias_bomb_is_refused_before_any_value_is_built(tmp_path, monkeypatch):
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)  # 9**9 (387 million) values once expanded, 10 lines of text

    def never(self, node):
        raise AssertionError("the document was built")

    monkeypatch.setattr(_Loader, "construct_document", never)
    with pytest.raises(YamlFileError) as error:
        load_yaml(path, format_path)
    (issue,) = error.value.issues
    assert issue.path == "bomb.yaml" and "once its aliases are resolved" in issue.problem
    assert f"{MAX_EXPANDED_NODES:,}" in issue.problem


def test_shared_aliases_within_the_limit_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {team: x, costCenter: y}\nprojects: [*b, *b, *b]\n")
    assert load_yaml(path, format_path)["projects"][2] == {"team": "x", "costCenter": "y"}


@pytest.mark.parametrize(
    "text, path, words",
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "b.c", "lines 3 and 4"),
        ("list:\n  - {k: 1, k: 2}\n", "list[0].k", "columns"),
        ("'mlgov:x': 1\nmlgov:x: 2\n", "mlgov:x", "set twice"),
    ],
)
def test_a_key_set_twice_names_both_lines(tmp_path, text, path, words):
    file = tmp_path / "dup.yaml"
    file.write_text(text)
    with pytest.raises(YamlFileError) as error:
        load_yaml(file, format_path)
    assert [issue.path for issue in error.value.issues] == [path]
    assert words in error.value.issues[0].problem


def test_a_merge_key_may_override_what_it_merges(tmp_path):
    file = tmp_path / "merge.yaml"
    file.write_text("base: &b {a: 1, b: 2}\nitem:\n  <<: *b\n  b: 3\n")
    assert load_yaml(file, format_path)["item"] == {"a": 1, "b": 3}
