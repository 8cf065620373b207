"""Validate request bodies against Discord's OpenAPI description (openapi.json, MIT, Discord).

The spec is loaded once per process; validators are compiled lazily per (path template, method).
Where the spec is laxer than Discord's documentation, `documented_limits` adds the documented rule
(the documentation wins, says the spec's README).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi.json")
SPEC_URI = "https://discord.com/api/v10/openapi.json"

MESSAGE_CONTENT_MAX = 2000
EMBED_TOTAL_MAX = 6000


@dataclass(frozen=True)
class PathTemplate:
    template: str
    regex: re.Pattern[str]
    n_params: int


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    _apply_leniencies(data["components"]["schemas"])
    return data


def _apply_leniencies(schemas: dict[str, Any]) -> None:
    """Where Discord accepts more than the spec says.

    Snowflakes: the spec types them as decimal strings, but Discord accepts JSON integers too
    (discord.py sends e.g. `recipient_id` and `message_reference.message_id` as integers).
    """
    snowflake = schemas["SnowflakeType"]
    schemas["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}],
        "format": "snowflake",
    }


@functools.cache
def _registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@functools.cache
def _templates() -> tuple[PathTemplate, ...]:
    out = []
    for template in spec()["paths"]:
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
        out.append(PathTemplate(template, re.compile(pattern), template.count("{")))
    # Literal segments beat parameters: /users/@me before /users/{user_id}.
    out.sort(key=lambda t: (t.n_params, -len(t.template)))
    return tuple(out)


def match_path(path: str) -> str | None:
    """The spec's path template for a concrete path such as /channels/1/messages."""
    for template in _templates():
        if template.regex.fullmatch(path):
            return template.template
    return None


# Discord reads PATCH /channels/{channel_id} as the one body that fits the channel's type; the
# spec's union of all four lets through what none of them allows (six tags on a thread).
CHANNEL_UPDATE_BODIES = {
    1: "UpdateDMRequestPartial",
    3: "UpdateGroupDMRequestPartial",
    10: "UpdateThreadRequestPartial",
    11: "UpdateThreadRequestPartial",
    12: "UpdateThreadRequestPartial",
}
GUILD_CHANNEL_UPDATE_BODY = "UpdateGuildChannelRequestPartial"


@functools.cache
def _schema_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{_escape(name)}"}, registry=_registry()
    )


def validate_channel_update(channel_type: int, body: Any) -> list[Problem]:
    """Problems of a PATCH /channels/{channel_id} body read as the channel's type asks."""
    name = CHANNEL_UPDATE_BODIES.get(channel_type, GUILD_CHANNEL_UPDATE_BODY)
    return [_problem(e) for e in _schema_validator(name).iter_errors(body)]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@functools.cache
def _validator(template: str, method: str) -> Draft202012Validator | None:
    operation = spec()["paths"][template].get(method.lower())
    if not operation or "requestBody" not in operation:
        return None
    content = operation["requestBody"]["content"]
    media = next((m for m in ("application/json", "multipart/form-data") if m in content), None)
    if media is None:
        return None
    pointer = "/".join(
        _escape(x)
        for x in ("paths", template, method.lower(), "requestBody", "content", media, "schema")
    )
    # A $ref into the registered spec keeps the spec's own "#/components/..." refs resolvable.
    schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
    return Draft202012Validator(schema, registry=_registry())


def body_required(template: str, method: str) -> bool:
    operation = spec()["paths"][template].get(method.lower()) or {}
    return bool(operation.get("requestBody", {}).get("required"))


@dataclass(frozen=True)
class Problem:
    """One reason Discord would refuse the body: where (JSON path) and why."""

    location: tuple[str | int, ...]
    code: str
    message: str


_CODES = {
    "maxLength": "BASE_TYPE_MAX_LENGTH",
    "minLength": "BASE_TYPE_MIN_LENGTH",
    "maxItems": "BASE_TYPE_MAX_LENGTH",
    "required": "BASE_TYPE_REQUIRED",
    "type": "BASE_TYPE_BAD_TYPE",
    "enum": "BASE_TYPE_CHOICES",
    "maximum": "NUMBER_TYPE_MAX",
    "minimum": "NUMBER_TYPE_MIN",
}


def _is_discriminator_miss(error: ValidationError) -> bool:
    """An error saying 'this union branch has another `type`'."""
    return list(error.relative_path) == ["type"] and error.validator in {"enum", "const"}


def _most_relevant(error: ValidationError) -> ValidationError:
    """For an anyOf/oneOf failure, the error of the branch whose `type` matched, recursively."""
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        candidates = [
            errs for errs in branches.values() if not any(map(_is_discriminator_miss, errs))
        ]
        pool = [e for errs in candidates for e in errs] or list(error.context)
        best = best_match(pool)
        if best is None or best is error:
            break
        error = best
    return error


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "... (shortened)"


def _problem(error: ValidationError) -> Problem:
    error = _most_relevant(error)
    return Problem(
        tuple(error.absolute_path),
        _CODES.get(str(error.validator), "SCHEMA_VALIDATION_FAILED"),
        _shorten(error.message),
    )


def validate(
    method: str, path: str, body: Any, *, has_body: bool
) -> tuple[str | None, list[Problem]]:
    """Returns (matched template, problems). No template or no schema means nothing to check."""
    template = match_path(path)
    if template is None:
        return None, []
    if not has_body:
        if body_required(template, method):
            return template, [Problem((), "BASE_TYPE_REQUIRED", "A request body is required")]
        return template, []
    validator = _validator(template, method)
    problems = [] if validator is None else [_problem(e) for e in validator.iter_errors(body)]
    seen = {problem.location for problem in problems}
    problems += [x for x in documented_limits(template, method, body) if x.location not in seen]
    return template, problems


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for fld in embed.get("fields") or []:
        total += len(fld.get("name") or "") + len(fld.get("value") or "")
    return total


def _message_bodies(template: str, body: Any) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    if not isinstance(body, dict):
        return []
    if template.endswith("/callback"):
        data = body.get("data")
        return [(("data",), data)] if isinstance(data, dict) else []
    return [((), body)]


def documented_limits(template: str, method: str, body: Any) -> list[Problem]:
    """Limits from Discord's docs the spec does not state (content <= 2000, embeds <= 6000)."""
    if method.upper() not in {"POST", "PATCH"} or not (
        "messages" in template or template.startswith(("/webhooks/", "/interactions/"))
    ):
        return []
    problems = []
    for where, message in _message_bodies(template, body):
        content = message.get("content")
        if isinstance(content, str) and len(content) > MESSAGE_CONTENT_MAX:
            problems.append(
                Problem(
                    (*where, "content"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {MESSAGE_CONTENT_MAX} or fewer in length.",
                )
            )
        embeds = message.get("embeds")
        if isinstance(embeds, list):
            total = sum(_embed_length(e) for e in embeds if isinstance(e, dict))
            if total > EMBED_TOTAL_MAX:
                problems.append(
                    Problem(
                        (*where, "embeds"),
                        "MAX_EMBED_SIZE_EXCEEDED",
                        f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
                    )
                )
    return problems


def error_body(problems: list[Problem]) -> dict[str, Any]:
    """Discord's 400 answer: {"code": 50035, "message": "Invalid Form Body", "errors": {...}}."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for key in problem.location:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
