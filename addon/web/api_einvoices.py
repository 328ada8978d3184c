"""`/api/einvoice/...` and `/api/invoices/<number>/einvoice`: e-invoice details and e-invoices.

    GET/PUT /api/einvoice/seller                      the workspace as seller, its taxes' VAT
    GET/PUT /api/einvoice/clients/<client_id>         a Clockify client's billing details
    GET /api/invoices/<number>/einvoice/check?profile=    what that profile still needs
    GET /api/invoices/<number>/einvoice?profile=          the e-invoice file, or 422 + problems

Same session guard as every `/api/` route (owners and admins). The use cases are
`addon.services.einvoices`; e-invoices are made from the issued snapshot and never write.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from addon.errors import BadRequest
from addon.services import einvoices
from addon.services.einvoice_bodies import BuyerInput, SellerInput
from addon.services.einvoice_forms import read_details_body
from addon.services.einvoices import Profile
from addon.web import runtime
from addon.web.api_workspace import current_defaults
from addon.web.downloads import file_response
from addon.web.requests import json_object
from addon.web.session import current_session, guard_api

__all__ = ["bp"]

bp = Blueprint("api_einvoices", __name__, url_prefix="/api")
guard_api(bp)


def _profile() -> Profile:
    raw = request.args.get("profile", "")
    try:
        return Profile(raw)
    except ValueError:
        raise BadRequest(f"profile must be one of {', '.join(Profile)}") from None


@bp.get("/einvoice/seller")
def get_seller() -> ResponseReturnValue:
    return einvoices.seller_details(runtime(), current_session().workspace_id)


@bp.put("/einvoice/seller")
def put_seller() -> ResponseReturnValue:
    body = read_details_body(json_object(request), SellerInput, "seller")
    return einvoices.save_seller(runtime(), current_session().workspace_id, body)


@bp.get("/einvoice/clients/<client_id>")
def get_client(client_id: str) -> ResponseReturnValue:
    return einvoices.client_details(runtime(), current_session().workspace_id, client_id)


@bp.put("/einvoice/clients/<client_id>")
def put_client(client_id: str) -> ResponseReturnValue:
    body = read_details_body(json_object(request), BuyerInput, "buyer")
    return einvoices.save_client(runtime(), current_session().workspace_id, client_id, body)


@bp.get("/invoices/<path:number>/einvoice/check")
def check_einvoice(number: str) -> ResponseReturnValue:
    workspace_id = current_session().workspace_id
    return einvoices.einvoice_checklist(runtime(), workspace_id, number, _profile())


@bp.get("/invoices/<path:number>/einvoice")
def download_einvoice(number: str) -> ResponseReturnValue:
    locale = current_defaults()[0].locale
    workspace_id = current_session().workspace_id
    file = einvoices.einvoice_file(runtime(), workspace_id, number, _profile(), locale)
    return file_response(file)
