"""`python -m addon schedules ...`: manage a workspace's scheduled emails from the command line.

Admins will manage schedules in the sidebar; until then, and for operators afterwards, these
commands do the same through the same validation (`ScheduleSpec.from_json`) and storage:

    python -m addon schedules add <workspace> <spec.json>     print the new schedule's id
    python -m addon schedules list <workspace>                id, state, cadence, next send
    python -m addon schedules pause|resume|delete <workspace> <id>
    python -m addon schedules log <workspace>                 the delivery log, newest first
    python -m addon schedules resend <workspace> <run id>     re-send a failed run (same Message-ID)

Bad input prints its reason and exits with status 2; nothing is stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from addon.errors import AddonError
from addon.reports.errors import ReportError
from addon.schedules import next_occurrence
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.services.schedules import resume, save_schedule
from addon.settings import Settings
from addon.store import schedules as store
from addon.store.db import create_db_engine, make_session_factory
from addon.store.models import Schedule
from addon.store.repositories import get_installation

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("schedules", help="manage scheduled emails of a workspace")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="save a schedule from a JSON file ('-' for stdin)")
    add.add_argument("workspace")
    add.add_argument("spec")
    actions.add_parser("list", help="list the schedules").add_argument("workspace")
    actions.add_parser("log", help="show the delivery log").add_argument("workspace")
    for name in ("pause", "resume", "delete"):
        one = actions.add_parser(name, help=f"{name} a schedule")
        one.add_argument("workspace")
        one.add_argument("id", type=int)
    resend = actions.add_parser("resend", help="re-send a failed delivery run")
    resend.add_argument("workspace")
    resend.add_argument("run_id", type=int, metavar="run")
    parser.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_db_engine(settings.database_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        with sessions.begin() as session:
            if get_installation(session, args.workspace) is None:
                return _fail(f"workspace {args.workspace} has no installation of the add-on")
            return _ACTIONS[args.action](session, args, now)
    except (AddonError, ReportError) as exc:  # typed input errors, their messages name the field
        return _fail(str(exc))
    finally:
        engine.dispose()


def _add(session: Session, args: argparse.Namespace, now: datetime) -> int:
    text = sys.stdin.read() if args.spec == "-" else Path(args.spec).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        return _fail(f"the schedule is not valid JSON: {exc}")
    spec = ScheduleSpec.from_json(data)
    schedule = save_schedule(session, args.workspace, spec, created_by="cli", now=now)
    session.flush()
    print(schedule.id)
    return 0


def _list(session: Session, args: argparse.Namespace, now: datetime) -> int:
    for schedule in store.list_schedules(session, args.workspace):
        spec = spec_of(schedule)
        upcoming = next_occurrence(spec.cadence, now)
        state = "paused" if schedule.paused else "active"
        when = "-" if schedule.paused else upcoming.at.isoformat(timespec="minutes")
        print(f"{schedule.id}\t{state}\t{spec.name}\t{spec.cadence.zone}\tnext {when}")
    return 0


def _log(session: Session, args: argparse.Namespace, now: datetime) -> int:
    for entry in store.delivery_log(session, args.workspace):
        error = f"\t{entry.last_error}" if entry.last_error else ""
        print(f"{entry.id}\t{entry.schedule_id}\t{entry.due}\t{entry.state}{error}")
    return 0


def _one(session: Session, args: argparse.Namespace) -> Schedule:
    found = store.get_schedule(session, args.workspace, args.id)
    if found is None:
        raise AddonError(f"schedule {args.id} does not exist in workspace {args.workspace}")
    return found


def _pause(session: Session, args: argparse.Namespace, now: datetime) -> int:
    store.pause_schedule(session, _one(session, args), now=now)
    return 0


def _resume(session: Session, args: argparse.Namespace, now: datetime) -> int:
    resume(session, _one(session, args), now=now)
    return 0


def _delete(session: Session, args: argparse.Namespace, now: datetime) -> int:
    if not store.delete_schedule(session, args.workspace, args.id):
        return _fail(f"schedule {args.id} does not exist in workspace {args.workspace}")
    return 0


def _resend(session: Session, args: argparse.Namespace, now: datetime) -> int:
    if not store.reset_for_resend(session, args.workspace, args.run_id, now):
        return _fail(f"run {args.run_id} is not a failed run of workspace {args.workspace}")
    print(f"run {args.run_id} will be sent again by the next scheduler tick")
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


_ACTIONS = {
    "add": _add,
    "list": _list,
    "log": _log,
    "pause": _pause,
    "resume": _resume,
    "delete": _delete,
    "resend": _resend,
}
