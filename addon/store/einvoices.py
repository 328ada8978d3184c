"""E-invoice details: the seller's per workspace, the buyer's per Clockify client.

Each is one versioned JSON document per row, not a column per field. Why: the details are
nested (an address, an electronic address, a VAT treatment per tax), they are always read and
written whole and never queried by a field, and their validation lives in one place, the pure
core's constructors (`addon.einvoice.details`), which the use cases run on every save and every
read. Typed columns would cost a migration for every field a new profile demands and validate
nothing the constructors do not. `version` says which shape `document` has, so a later shape
can be upgraded on read instead of by rewriting rows in a migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from addon.store.db import Base, UTCDateTime

__all__ = [
    "EInvoiceBuyer",
    "EInvoiceSeller",
    "find_buyer",
    "find_seller",
    "list_buyers",
    "save_buyer",
    "save_seller",
]

_ID = 64


class EInvoiceSeller(Base):
    """The workspace's seller details and VAT treatments (`addon.services.einvoice_forms`)."""

    __tablename__ = "einvoice_seller"

    workspace_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EInvoiceBuyer(Base):
    """One Clockify client's billing details for e-invoices."""

    __tablename__ = "einvoice_buyer"

    workspace_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def find_seller(session: Session, workspace_id: str) -> EInvoiceSeller | None:
    return session.get(EInvoiceSeller, workspace_id)


def save_seller(
    session: Session, workspace_id: str, *, version: int, document: dict[str, Any], now: datetime
) -> EInvoiceSeller:
    """Insert or replace the workspace's seller document."""
    row = session.get(EInvoiceSeller, workspace_id, with_for_update=True)
    if row is None:
        row = EInvoiceSeller(workspace_id=workspace_id)
        session.add(row)
    row.version, row.document, row.updated_at = version, document, now
    session.flush()
    return row


def find_buyer(session: Session, workspace_id: str, client_id: str) -> EInvoiceBuyer | None:
    return session.get(EInvoiceBuyer, (workspace_id, client_id))


def save_buyer(
    session: Session,
    workspace_id: str,
    client_id: str,
    *,
    version: int,
    document: dict[str, Any],
    now: datetime,
) -> EInvoiceBuyer:
    """Insert or replace one client's buyer document."""
    row = session.get(EInvoiceBuyer, (workspace_id, client_id), with_for_update=True)
    if row is None:
        row = EInvoiceBuyer(workspace_id=workspace_id, client_id=client_id)
        session.add(row)
    row.version, row.document, row.updated_at = version, document, now
    session.flush()
    return row


def list_buyers(session: Session, workspace_id: str) -> list[EInvoiceBuyer]:
    """Every client of the workspace with saved details."""
    return list(
        session.scalars(
            select(EInvoiceBuyer)
            .where(EInvoiceBuyer.workspace_id == workspace_id)
            .order_by(EInvoiceBuyer.client_id)
        )
    )
