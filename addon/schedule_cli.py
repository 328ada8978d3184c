"""`python -m addon schedules ...`: manage a workspace's scheduled emails from the command line.

Admins manage schedules in the sidebar; operators can do the same here, through the same
validation (`ScheduleSpec.from_json`) and the same use cases (`addon.services.schedules`):

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
from pathlib import Path

from addon.errors import AddonError
from addon.reports.errors import ReportError
from addon.runtime import Runtime
from addon.services import installations, schedules
from addon.services.schedule_spec import ScheduleSpec
from addon.settings import Settings

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
    rt = Runtime.from_settings(settings)
    try:
        if not installations.is_installed(rt, args.workspace):
            return _fail(f"workspace {args.workspace} has no installation of the add-on")
        return _ACTIONS[args.action](rt, args)
    except (AddonError, ReportError) as exc:  # typed input errors, their messages name the field
        return _fail(str(exc))
    finally:
        rt.close()


def _add(rt: Runtime, args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.spec == "-" else Path(args.spec).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        return _fail(f"the schedule is not valid JSON: {exc}")
    spec = ScheduleSpec.from_json(data)
    print(schedules.create(rt, args.workspace, spec, created_by="cli")["id"])
    return 0


def _list(rt: Runtime, args: argparse.Namespace) -> int:
    for schedule in schedules.schedules(rt, args.workspace):
        state = "paused" if schedule["paused"] else "active"
        when = schedule["next_send"] or "-"
        print(f"{schedule['id']}\t{state}\t{schedule['name']}\t{schedule['zone']}\tnext {when}")
    return 0


def _log(rt: Runtime, args: argparse.Namespace) -> int:
    for entry in schedules.deliveries(rt, args.workspace, 50):
        error = f"\t{entry['last_error']}" if entry["last_error"] else ""
        print(f"{entry['id']}\t{entry['schedule_id']}\t{entry['due']}\t{entry['state']}{error}")
    return 0


def _pause(rt: Runtime, args: argparse.Namespace) -> int:
    schedules.pause(rt, args.workspace, args.id)
    return 0


def _resume(rt: Runtime, args: argparse.Namespace) -> int:
    schedules.resume_schedule(rt, args.workspace, args.id)
    return 0


def _delete(rt: Runtime, args: argparse.Namespace) -> int:
    schedules.delete(rt, args.workspace, args.id)
    return 0


def _resend(rt: Runtime, args: argparse.Namespace) -> int:
    schedules.resend(rt, args.workspace, args.run_id)
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
