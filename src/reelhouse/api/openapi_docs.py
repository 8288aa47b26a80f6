"""The OpenAPI document's finishing touches, made once when it is first asked for:

- the security schemes (the agent's API token for the Main API and the facades, the game
  session's token for the game API), so the reference's "Authorize" button fills the
  `Authorization: Bearer` header of every "Try it out";
- each operation's refusals (`x-refusals`, api/answer_docs.py) turned into its 200 answer's
  schema: the success envelope, or a refusal whose code is one of those listed;
- request bodies' nested models moved to `components/schemas` (a body's schema is made by
  pydantic with its own `$defs`, whose references would not resolve inside the document);
- a valid example body for every operation that takes one (api/request_examples.py), and
  the answer models' examples as they are written (FastAPI drops their nulls);
- FastAPI's HTTP 422, which this app never answers, removed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from reelhouse.api.answer_docs import ANSWER_MODELS, REFUSAL_MODELS, REFUSALS_KEY
from reelhouse.api.request_examples import REQUEST_EXAMPLES

API_TOKEN = "apiToken"  # noqa: S105 (a scheme's name, not a token)
SESSION_TOKEN = "sessionToken"  # noqa: S105
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    API_TOKEN: {
        "type": "http",
        "scheme": "bearer",
        "description": "The agent's API token (`reelhouse operator create` prints it).",
    },
    SESSION_TOKEN: {
        "type": "http",
        "scheme": "bearer",
        "description": "A game session's token (the last part of `/play/s/{session_token}`).",
    },
}
# Which token each tag's operations take.
SCHEME_OF_TAG = {
    "Main API v4": API_TOKEN,
    "iGamingAce A facade": API_TOKEN,
    "iGamingAce B facade": API_TOKEN,
    "Game client": SESSION_TOKEN,
}
COMPONENT_REF = "#/components/schemas/{model}"
METHODS = ("get", "put", "post", "delete", "patch")


def _component(schemas: dict[str, Any], model: type[BaseModel]) -> str:
    """Add `model` (and the models it uses) to the document's schemas; its reference."""
    schema = model.model_json_schema(ref_template=COMPONENT_REF)
    schemas.update(schema.pop("$defs", {}))
    name = model.__name__
    schemas[name] = schema
    return COMPONENT_REF.format(model=name)


def _refusal_schema(ref: str, refusals: dict[str, Any]) -> dict[str, Any]:
    """The envelope's refusal narrowed to the codes the operation lists."""
    codes = {"enum": refusals["codes"]}
    if refusals["envelope"] == "igamingace-a":
        narrowed = {
            "properties": {
                "message": {"enum": refusals["names"]},
                "data": {"properties": {"code": codes}},
            }
        }
    else:
        narrowed = {"properties": {"code": codes}}
    return {"allOf": [{"$ref": ref}, narrowed]}


def _add_refusals(document: dict[str, Any], operation: dict[str, Any]) -> None:
    schemas = document["components"].setdefault("schemas", {})
    responses = operation.get("responses", {})
    for answer in responses.values():
        refusals = answer.get(REFUSALS_KEY)
        if refusals is None:
            continue
        ref = _component(schemas, REFUSAL_MODELS[refusals["envelope"]])
        media = answer["content"]["application/json"]
        # A route returning a plain dict has FastAPI describe "any object" beside the
        # documented model: the model alone says what it answers.
        success = {"$ref": media["schema"]["$ref"]}
        media["schema"] = {"anyOf": [success, _refusal_schema(ref, refusals)]}


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return {**node, "$ref": COMPONENT_REF.format(model=renamed[ref[len("#/$defs/") :]])}
        return {key: _rewrite_refs(value, renamed) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, renamed) for item in node]
    return node


def _hoist_body_defs(document: dict[str, Any], operation: dict[str, Any]) -> None:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None or "$defs" not in media["schema"]:
        return
    schemas = document["components"].setdefault("schemas", {})
    body = media["schema"]
    defs: dict[str, Any] = body.pop("$defs")
    # A nested model named like another one with a different schema keeps its body's name
    # in front, so neither replaces the other.
    renamed = {
        name: name if schemas.get(name, schema) == schema else f"{body.get('title', '')}{name}"
        for name, schema in defs.items()
    }
    for name, schema in defs.items():
        schemas[renamed[name]] = _rewrite_refs(schema, renamed)
    media["schema"] = _rewrite_refs(body, renamed)


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _restore_examples(schemas: dict[str, Any], models: Iterable[type[BaseModel]]) -> None:
    """FastAPI writes the document without nulls (`exclude_none`), examples included: an
    example envelope would lose its `"message": null`. Each answer model's examples are put
    back as the model gives them."""
    for model in models:
        examples = model.model_json_schema().get("examples")
        if examples is not None and model.__name__ in schemas:
            schemas[model.__name__]["examples"] = examples


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The document FastAPI generated, finished (a copy)."""
    document = copy.deepcopy(document)
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    _restore_examples(components.get("schemas", {}), ANSWER_MODELS.values())
    for path, operation in _operations(document):
        # A query parameter of the wrong type is a refusal like any other (1002 at HTTP 200,
        # api/envelope.py), never the HTTP 422 FastAPI describes by default.
        operation.get("responses", {}).pop("422", None)
        schemes = {SCHEME_OF_TAG[tag] for tag in operation.get("tags", []) if tag in SCHEME_OF_TAG}
        if schemes:
            operation["security"] = [{scheme: []} for scheme in sorted(schemes)]
        _add_refusals(document, operation)
        _hoist_body_defs(document, operation)
        example = REQUEST_EXAMPLES.get(path)
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if example is not None and media is not None:
            media["example"] = example
    _drop_unused(components.get("schemas", {}), document)
    return document


# FastAPI's description of its HTTP 422, which this app never answers (api/envelope.py).
UNUSED_IF_UNREFERENCED = ("HTTPValidationError", "ValidationError")


def _drop_unused(schemas: dict[str, Any], document: dict[str, Any]) -> None:
    for name in UNUSED_IF_UNREFERENCED:
        described = schemas.pop(name, None)
        if described is not None and COMPONENT_REF.format(model=name) in json.dumps(document):
            schemas[name] = described  # still used somewhere: kept, so every $ref resolves


def install(app: FastAPI) -> None:
    """Serve the finished document at /openapi.json (built on the first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            # Everything FastAPI's own `openapi()` passes, so a setting on the app still counts.
            generated = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                terms_of_service=app.terms_of_service,
                contact=app.contact,
                license_info=app.license_info,
                routes=app.routes,
                webhooks=app.webhooks.routes,
                tags=app.openapi_tags,
                servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
            )
            app.openapi_schema = finish(generated)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
