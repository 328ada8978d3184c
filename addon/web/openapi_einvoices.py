"""The OpenAPI description of the e-invoice APIs (`addon.web.api_einvoices`).

Merged into the served document by `addon.web.openapi`. Request bodies (`SellerInput`,
`BuyerInput`) are generated from their Structs; the answers here embed the same components,
because what is answered is what was saved, normalised (an IBAN without spaces).
"""

from __future__ import annotations

from typing import Any, Final

from addon.services.einvoices import Profile
from addon.web.openapi_bodies import REF, request_body

__all__ = ["EINVOICE_SCHEMAS", "einvoice_paths"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_STRING: Final = {"type": "string"}
_STAMP: Final = {"type": ["string", "null"], "format": "date-time"}
_ERRORS: Final = {
    "400": _error("Malformed input, naming the field where known"),
    "401": _error("No, forged or expired session (`session_expired`)"),
    "403": _error("Not an owner or admin, or a foreign Origin"),
    "404": _error("No such invoice or Clockify client in the session's workspace"),
    "409": _error("Stored seller or billing details this server cannot read: save the form again"),
    "415": _error("A body that is not Content-Type: application/json"),
}
_CLOCKIFY: Final = {
    "502": _error("Clockify answered in a way we do not understand"),
    "503": _error("Clockify is unavailable, or the add-on must be reinstalled"),
}
_INVALID: Final = {"422": _error("An invalid value; `field` names it (`seller.iban`)")}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    return {**schema, "description": description} if description else schema


_PROBLEM: Final = {"field": _STRING, "message": _STRING, "rule": _STRING}
EINVOICE_SCHEMAS: Final = {
    "SellerDetails": _object(
        {
            "seller": _ref("SellerInput"),
            "updated_at": _STAMP,
            "defaults": _object({"legal_name": _STRING}, "What Clockify has: the workspace"),
        },
        "The workspace as seller, as saved (empty strings: not given)",
    ),
    "ClientBilling": _object(
        {
            "client_id": _STRING,
            "buyer": _ref("BuyerInput"),
            "updated_at": _STAMP,
            "defaults": _object(
                {"name": _STRING, "email": _STRING, "address": _STRING},
                "What Clockify has: the client's name, e-mail and free-text address",
            ),
        },
        "A client's billing details for e-invoices, as saved",
    ),
    "EInvoiceChecklist": _object(
        {
            "number": _STRING,
            "profile": {"type": "string", "enum": [p.value for p in Profile]},
            "ready": {"type": "boolean"},
            "problems": {
                "type": "array",
                "items": _object(
                    {
                        **_PROBLEM,
                        "where": {
                            "type": "string",
                            "enum": ["seller", "taxes", "buyer", "invoice"],
                        },
                    }
                ),
            },
        },
        "What the profile still needs; `where` names the form that sets the field",
    ),
    "EInvoiceRefused": _object(
        {
            "error": {"const": "einvoice_refused"},
            "message": _STRING,
            "problems": {"type": "array", "minItems": 1, "items": _object(_PROBLEM)},
        },
        "Why the e-invoice cannot be made: every problem at once",
    ),
}

_PROFILE: Final = {
    "name": "profile",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "enum": [p.value for p in Profile]},
}
_NUMBER: Final = {"name": "number", "in": "path", "required": True, "schema": _STRING}
_CLIENT: Final = {
    "name": "client_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9]+$"},
}


def _op(summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**ok, **_ERRORS}, **extra}


def _files() -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {"application/pdf": binary, "application/xml": binary}
    return {"200": {"description": "Factur-X PDF/A-3 or the XML", "content": content}}


def einvoice_paths() -> dict[str, Any]:
    seller = _json(_ref("SellerDetails"), "The seller")
    client = _json(_ref("ClientBilling"), "The client's billing details")
    refused = {
        "anyOf": [_ref("EInvoiceRefused"), _ref("Error")],
    }
    return {
        "/api/einvoice/seller": {
            "get": _op(
                "The workspace's seller details for e-invoices", {"200": seller, **_CLOCKIFY}
            ),
            "put": _op(
                "Save the seller details and the VAT category of each tax",
                {"200": seller, **_INVALID, **_CLOCKIFY},
                requestBody=request_body("PUT /api/einvoice/seller"),
            ),
        },
        "/api/einvoice/clients/{client_id}": {
            "parameters": [_CLIENT],
            "get": _op("A Clockify client's billing details", {"200": client, **_CLOCKIFY}),
            "put": _op(
                "Save a Clockify client's billing details",
                {"200": client, **_INVALID, **_CLOCKIFY},
                requestBody=request_body("PUT /api/einvoice/clients/{client_id}"),
            ),
        },
        "/api/invoices/{number}/einvoice/check": {
            "parameters": [_NUMBER, _PROFILE],
            "get": _op(
                "What an issued invoice still needs to be this e-invoice",
                {
                    "200": _json(_ref("EInvoiceChecklist"), "Every problem, with its form"),
                    **_INVALID,
                },
            ),
        },
        "/api/invoices/{number}/einvoice": {
            "parameters": [_NUMBER, _PROFILE],
            "get": _op(
                "The issued invoice as an e-invoice (Factur-X PDF, XRechnung or Peppol XML)",
                {**_files(), "422": _json(refused, "Refused: every problem, at once")},
            ),
        },
    }
