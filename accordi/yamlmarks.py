"""YAML that remembers where every value came from.

PyYAML's constructors forget line numbers; editors need them. We compose the node tree and
build plain Python values ourselves, recording the line of every key path. Timestamps are left
as text on purpose: dates are parsed by `accordi.dates`, which reports impossible dates as
content errors instead of raising deep inside the YAML library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple  # a key path such as ("signatories", 0, "name")


class _Loader(yaml.SafeLoader):
    """Safe loader without implicit timestamps (dates stay strings)."""


# libyaml's parser composes the same nodes, with the same marks, much faster (the figure is
# in docs/performance.md); PyYAML built without it parses in Python.
_Composer: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = _Loader
if yaml.__with_libyaml__:
    class _LibyamlComposer(yaml.CSafeLoader):
        """libyaml's safe loader without implicit timestamps."""

    _Composer = _LibyamlComposer

for _cls in (_Loader, _Composer):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@dataclass(frozen=True)
class YamlProblem:
    """A syntax or structure problem at a line."""

    line: int
    field: str
    message: str
    hint: str


@dataclass
class Marked:
    """Parsed YAML plus the line of every key path."""

    data: Any
    marks: dict[Path_, int]

    def line(self, path: Path_) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), 1)


class _Alias(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _too_deep(line: int) -> YamlProblem:
    return YamlProblem(line, "", "the values are nested too deeply",
                       "content files need a few levels of lists and fields at most")


def _tab(text: str, line: int, column: int) -> int | None:
    """The column (from 1) of the tab that a syntax error at `line` (from 0) and `column`
    stumbled on: PyYAML's messages speak of tokens and indentation, never of the key."""
    lines = text.split("\n")
    here = lines[line] if line < len(lines) else ""
    return here.index("\t") + 1 if "\t" in here[:column + 1] else None


class _Values:
    """Plain values built from composed nodes, with the line of every key path; a key that
    cannot be one is noted as a problem and skipped, so that one run reports them all."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.marks: dict[Path_, int] = {}
        self.problems: list[YamlProblem] = []
        self.seen: set[int] = set()
        self.constructor = _Loader("")

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, n: yaml.Node, path: Path_) -> Any:
        here = self.marks.get(path, self.line(n))
        self.marks[path] = self.line(n)
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)):
            # An alias (`*name`) is the very node its anchor marked: expanding it again and
            # again lets a few lines grow into billions of values, or loop for ever.
            if id(n) in self.seen:
                raise _Alias(here)
            self.seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                key = self.key(key_node, path, out)
                if key is None:
                    continue
                sub = path + (key,)
                self.marks[sub] = self.line(key_node)
                out[key] = self.build(value_node, sub)
                self.marks[sub] = self.line(key_node)
            return out
        if isinstance(n, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(n.value)]
        return self.constructor.construct_object(n, deep=True)

    def key(self, node: yaml.Node, path: Path_, out: dict[Any, Any]) -> str | None:
        """The key `node` writes in the mapping at `path` (`out`, as built so far); None,
        with the problem noted, for a key that is not text or is set twice."""
        if node.tag == "tag:yaml.org,2002:merge":  # `<<:` merges grow the same way
            raise _Alias(self.line(node))
        key = self.constructor.construct_object(node, deep=True)
        if not isinstance(key, (str, int)):
            self.problems.append(YamlProblem(self.line(node), ".".join(map(str, path)),
                                             "a key must be plain text",
                                             "write keys as `name: value`"))
            return None
        key = str(key)
        sub = path + (key,)
        if key in out:
            self.problems.append(YamlProblem(
                self.line(node), ".".join(map(str, sub)),
                f"`{key}` is set twice (first on line {self.marks[sub]})",
                "keep one of the two values"))
            return None
        return key


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlProblem:
    """What the parser stumbled on, at its line: a tab, or the syntax in general."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + first_line if mark else first_line  # marks count lines from 0
    if mark and (tab := _tab(text, mark.line, mark.column)):
        return YamlProblem(line, "", f"a TAB character at column {tab}: YAML "
                           "indents with spaces only",
                           "replace the tab with spaces, lined up with the lines above")
    problem = (exc.problem or "invalid YAML").strip()
    return YamlProblem(line, "", f"YAML syntax error: {problem}",
                       "check the indentation, and put text that contains `: `, "
                       "`#` or starts with `[`, `{`, `*` or `&` in quotes")


def _character_problem(exc: yaml.reader.ReaderError, text: str,
                       first_line: int) -> YamlProblem:
    line = text.count("\n", 0, max(exc.position, 0)) + first_line
    return YamlProblem(line, "", f"the character U+{exc.character:04X} is not allowed "
                       "in YAML", "remove it: it is probably a stray control "
                       "character pasted with the text")


def load(text: str, first_line: int = 1) -> tuple[Marked | None, list[YamlProblem]]:
    """Parse `text`; line numbers are shifted so that the text's line 1 is `first_line`."""
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, first_line)]
    except yaml.reader.ReaderError as exc:
        return None, [_character_problem(exc, text, first_line)]
    except yaml.YAMLError as exc:
        return None, [YamlProblem(first_line, "", f"YAML error: {exc}", "save the file as UTF-8")]
    except RecursionError:
        return None, [_too_deep(first_line)]
    if node is None:
        return Marked({}, {(): first_line}), []
    values = _Values(first_line - 1)
    try:
        data = values.build(node, ())
    except _Alias as alias:
        return None, [YamlProblem(alias.line, "", "anchors and aliases (`&name`, `*name`, "
                                  "`<<:`) are not supported",
                                  "write the values out in full where they are needed")]
    except RecursionError:
        return None, [_too_deep(first_line)]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + first_line if mark else first_line
        return None, [YamlProblem(line, "", f"YAML error: {exc.problem}",
                                  "remove the YAML tag or anchor that is not supported")]
    return Marked(data, values.marks), values.problems
