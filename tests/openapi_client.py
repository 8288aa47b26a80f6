"""A client generated at run time from a served OpenAPI document: one callable per operation,
named after its path (`/v4/user/create` -> `v4_user_create`), that

- checks the body it is given against the operation's request schema before sending,
- sends it with the `Authorization: Bearer` token of the operation's security scheme,
- checks the answer against the operation's documented 200 schema (success or refusal)
  and returns it, money read as Decimal.

It knows nothing of Reelhouse but the document, so what it can do is what the document says.
`strict=True` also refuses answer fields the document does not describe (every component
schema without an `additionalProperties` of its own gets `false`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:reelhouse:openapi"
METHODS = ("get", "put", "post", "delete", "patch")


def pointer(*parts: str) -> str:
    """A JSON pointer fragment to a place in the document."""
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped)


class SchemaChecker:
    """Validates values against schemas found at places in one OpenAPI 3.1 document (its
    schemas are JSON Schema 2020-12, `$ref`s resolved within the document)."""

    def __init__(self, document: dict[str, Any]) -> None:
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)

    def errors(self, fragment: str, value: Any) -> list[str]:
        validator = Draft202012Validator({"$ref": DOCUMENT_URI + fragment}, registry=self._registry)
        return [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(value)
        ]

    def check(self, fragment: str, value: Any) -> None:
        errors = self.errors(fragment, value)
        assert not errors, f"{fragment}: {errors[:3]} in {value!r}"[:2000]


def strict(document: dict[str, Any]) -> dict[str, Any]:
    """The document with no undocumented field allowed in any component schema."""
    document = copy.deepcopy(document)
    for schema in document.get("components", {}).get("schemas", {}).values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return document


def operation_name(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("-", "_")


@dataclass
class Answer:
    status: int
    body: Any  # the parsed JSON (Decimal for fractions), or the text of a non-JSON answer
    media_type: str


@dataclass
class Operation:
    name: str
    method: str
    path: str
    scheme: str | None
    body_fragment: str | None
    answer_fragments: dict[str, str]  # media type -> where its 200 schema is


class GeneratedClient:
    def __init__(
        self,
        base_url: str,
        document: dict[str, Any],
        *,
        tokens: dict[str, str],
        strict_answers: bool,
    ) -> None:
        self.base_url = base_url
        self.tokens = tokens  # security scheme name -> token
        self.checker = SchemaChecker(strict(document) if strict_answers else document)
        self.operations = {op.name: op for op in _operations(document)}
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    def __getattr__(self, name: str) -> Callable[..., Answer]:
        operations = self.__dict__.get("operations", {})
        if name not in operations:
            raise AttributeError(f"no operation {name} in the document")
        return lambda body=None, **query: self.call(operations[name], body, query)

    def call(self, op: Operation, body: Any, query: dict[str, Any]) -> Answer:
        headers = {}
        token = self.tokens.get(op.scheme or "")
        if token:  # no token for the scheme: the call goes without one
            headers["Authorization"] = f"Bearer {token}"
        content = None
        if op.body_fragment is not None:
            body = {} if body is None else body
            self.checker.check(op.body_fragment, body)
            content = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        answer = self.http.request(
            op.method.upper(), op.path, content=content, params=query, headers=headers
        )
        assert answer.status_code == 200, (op.path, answer.status_code, answer.text)
        media_type = answer.headers["content-type"].split(";")[0]
        assert media_type in op.answer_fragments, (op.path, media_type)
        if media_type != "application/json":
            return Answer(answer.status_code, answer.text, media_type)
        parsed = json.loads(answer.content, parse_float=Decimal)
        self.checker.check(op.answer_fragments[media_type], parsed)
        return Answer(answer.status_code, parsed, media_type)


def _operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            security = operation.get("security") or [{}]
            scheme = next(iter(security[0]), None)
            body_fragment = None
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                body_fragment = pointer(
                    "paths", path, method, "requestBody", "content", "application/json", "schema"
                )
            answers = {
                media_type: pointer(
                    "paths", path, method, "responses", "200", "content", media_type, "schema"
                )
                for media_type in operation["responses"]["200"].get("content", {})
            }
            yield Operation(operation_name(path), method, path, scheme, body_fragment, answers)
