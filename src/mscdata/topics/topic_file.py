"""Topic files read and checked: YAML validated against ``topic.schema.json``, every
error located by file and line (``msc.yaml:12: terms[3]: …``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from mscdata.errors import TopicError

SCHEMA_FILE = Path(__file__).with_name("topic.schema.json")


@functools.cache
def topic_schema() -> dict[str, Any]:
    """The JSON Schema every topic file is checked against."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _where(path: tuple[Any, ...]) -> str:
    """A JSON path as ``terms[3]`` or ``exclude.mesh[0].ui``."""
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else str(part))
    return shown or "the file"


def _line_of(node: Any, path: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at ``path`` (or of its nearest ancestor)."""
    import yaml

    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def read_topic_file(path: Path) -> tuple[dict[str, Any], Any]:
    """The document of a topic file, checked against the schema, and its YAML node tree
    (to locate later errors). Raises TopicError naming the file and line."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TopicError(f"{path}: cannot read the topic file: {error}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise TopicError(f"{path}{line}: not valid YAML: {problem}") from None
    if not isinstance(document, dict):
        raise TopicError(f"{path}:1: a topic file is a mapping (name, title, mesh, terms, …)")
    check_document(document, node, path)
    return document, node


def check_document(document: dict[str, Any], node: Any, path: Path) -> None:
    """TopicError for the first schema violations (up to three), each located."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(topic_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    if not errors:
        return
    lines = []
    for error in errors[:3]:
        where = tuple(error.absolute_path)
        lines.append(f"{path}:{_line_of(node, where)}: {_where(where)}: {_message(error)}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    raise TopicError("; ".join(lines) + more)


def _message(error: Any) -> str:
    """A schema error in the words of a topic file."""
    if error.validator == "pattern" and error.path and "terms" in error.path:
        return (
            f"{error.instance!r} is not a term: a word or phrase with a letter or digit, "
            "no quotes or brackets, * only at its end"
        )
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are", "unknown keys are")
    if error.validator == "anyOf" and not error.path:
        return "a topic needs 'mesh' descriptors or 'terms' (or both)"
    return error.message


def locate(node: Any, path: Path, where: tuple[Any, ...], message: str) -> TopicError:
    """A TopicError for a rule beyond the schema, located like the schema's."""
    return TopicError(f"{path}:{_line_of(node, where)}: {_where(where)}: {message}")
