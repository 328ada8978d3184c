"""Regular API bodies: the sandbox's data as Clockify's v1 DTOs.

Each function names the OpenAPI schema it follows (`shared/clockify/openapi/`). Two deliberate
additions, both seen in a live recording (`sjoerdk/clockifyclient`, reports-api.md §6.4):
projects carry `clientId`/`clientName` (ProjectDtoV1 lacks them, ProjectDtoImplV1 has them) and
their `duration` is an ISO-8601 string such as `PT86H40M13S`.
"""

from __future__ import annotations

from typing import Any

from sandbox.data import Client, Membership, Project, Rate, Tag, Task, User, Workspace
from sandbox.manifests import AddonManifest
from sandbox.shapes import iso_duration

__all__ = [
    "client_dto",
    "project_dto",
    "settings_dto",
    "tag_dto",
    "task_dto",
    "user_dto",
    "workspace_dto",
]

Json = dict[str, Any]


def rate_dto(rate: Rate | None) -> Json | None:
    """RateDtoV1 / HourlyRateDtoV1: `{amount (cents), currency}`, or null when unset."""
    return {"amount": rate.amount, "currency": rate.currency} if rate else None


def workspace_dto(ws: Workspace) -> Json:
    """WorkspaceDtoV1 (workspace.yml) with WorkspaceSettingsDtoV1 and RoundDto."""
    settings = ws.settings
    return {
        "id": ws.id,
        "name": ws.name,
        "hourlyRate": rate_dto(ws.hourly_rate),
        "costRate": rate_dto(ws.cost_rate),
        "memberships": [_workspace_membership(ws, user) for user in ws.users.values()],
        "workspaceSettings": {
            "timeRoundingInReports": settings.time_rounding_in_reports,
            "onlyAdminsSeeBillableRates": settings.only_admins_see_billable_rates,
            "onlyAdminsCreateProject": True,
            "onlyAdminsSeeDashboard": False,
            "defaultBillableProjects": settings.default_billable_projects,
            "lockTimeEntries": None,
            "round": {"round": settings.round.round, "minutes": str(settings.round.minutes)},
            "projectFavorites": True,
            "canSeeTimeSheet": True,
            "canSeeTracker": True,
            "projectPickerSpecialFilter": False,
            "forceProjects": False,
            "forceTasks": False,
            "forceTags": False,
            "forceDescription": False,
            "onlyAdminsSeeAllTimeEntries": False,
            "onlyAdminsSeePublicProjectsEntries": False,
            "trackTimeDownToSecond": settings.duration_format != "COMPACT",
            "projectGroupingLabel": "client",
            "adminOnlyPages": [],
            "automaticLock": None,
            "onlyAdminsCreateTag": False,
            "onlyAdminsCreateTask": False,
            "timeTrackingMode": "DEFAULT",
            "isProjectPublicByDefault": True,
            "currencyFormat": settings.currency_format,
            "numberFormat": settings.number_format,
            "durationFormat": settings.duration_format,
            "workingDays": list(settings.working_days),
        },
        "imageUrl": "",
        "featureSubscriptionType": ws.plan if ws.plan == "FREE" else f"{ws.plan}_2021",
        "features": ["EXPENSES", "INVOICING", "TIME_TRACKING"],
        "currencies": [
            {"id": c.id, "code": c.code, "isDefault": c.is_default} for c in ws.currencies.values()
        ],
        "subdomain": {"enabled": ws.subdomain is not None, "name": ws.subdomain},
    }


def user_dto(ws: Workspace, user: User, memberships: str) -> Json:
    """UserDtoV1 (user.yml); `memberships` is the query's ALL|NONE|WORKSPACE|PROJECT|USERGROUP."""
    listed: list[Json] = []
    if memberships in ("ALL", "WORKSPACE"):
        listed.append(_workspace_membership(ws, user))
    if memberships in ("ALL", "PROJECT"):
        for project in ws.projects.values():
            member = project.member(user.id)
            if member is not None:
                listed.append(_project_membership(project, member))
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "memberships": listed,
        "profilePicture": "",
        "activeWorkspace": ws.id,
        "defaultWorkspace": ws.id,
        "settings": {
            "weekStart": ws.settings.week_start,
            "timeZone": ws.time_zone,
            "timeFormat": "HOUR24",
            "dateFormat": "DD/MM/YYYY",
            "lang": "en",
        },
        "status": "ACTIVE",
        "customFields": [],
    }


def client_dto(ws: Workspace, client: Client) -> Json:
    """ClientWithCurrencyDtoV1 (client.yml)."""
    return {
        "id": client.id,
        "name": client.name,
        "email": client.email,
        "address": client.address,
        "note": client.note,
        "ccEmails": [],
        "currencyId": ws.currency_id(client.currency_code),
        "currencyCode": client.currency_code,
        "archived": client.archived,
        "workspaceId": ws.id,
    }


def project_dto(ws: Workspace, project: Project, *, hydrated: bool) -> Json:
    """ProjectDtoV1 (project.yml) plus `clientId`/`clientName`; `hydrated` adds `tasks`."""
    client = ws.clients.get(project.client_id or "")
    tracked = sum(e.seconds for e in ws.entries if e.project_id == project.id)
    body: Json = {
        "id": project.id,
        "name": project.name,
        "hourlyRate": rate_dto(project.hourly_rate),
        "costRate": rate_dto(project.cost_rate),
        "clientId": client.id if client else "",
        "clientName": client.name if client else "",
        "workspaceId": ws.id,
        "billable": project.billable,
        "memberships": [_project_membership(project, m) for m in project.memberships],
        "color": project.color,
        "estimate": {"estimate": "PT0S", "type": "AUTO"},
        "archived": project.archived,
        "duration": iso_duration(tracked),
        "note": project.note,
        "template": False,
        "public": project.public,
        "budgetEstimate": None,
        "timeEstimate": None,
    }
    if hydrated:
        # Inference: the spec only says "additional information about the project".
        tasks = [t for t in ws.tasks.values() if t.project_id == project.id]
        body["tasks"] = [task_dto(ws, task) for task in tasks]
    return body


def task_dto(ws: Workspace, task: Task) -> Json:
    """TaskDtoV1 (task.yml); `duration` and `estimate` are ISO-8601, as the spec's examples."""
    tracked = sum(e.seconds for e in ws.entries if e.task_id == task.id)
    return {
        "id": task.id,
        "name": task.name,
        "projectId": task.project_id,
        "assigneeIds": list(task.assignee_ids),
        "userGroupIds": [],
        "estimate": iso_duration(task.estimate_seconds),
        "status": task.status,
        "duration": iso_duration(tracked),
        "billable": task.billable,
        "hourlyRate": rate_dto(task.hourly_rate),
        "costRate": rate_dto(task.cost_rate),
        "budgetEstimate": 0,
    }


def tag_dto(ws: Workspace, tag: Tag) -> Json:
    """TagDtoV1 (tag.yml)."""
    return {"id": tag.id, "name": tag.name, "workspaceId": ws.id, "archived": tag.archived}


def settings_dto(manifest: AddonManifest, values: dict[str, Any]) -> Json:
    """`GET /addon/workspaces/{ws}/settings`: the manifest's tabs with the current values."""
    declared = manifest.document.get("settings")
    tabs = declared.get("tabs", []) if isinstance(declared, dict) else []

    def current(items: Any) -> list[Any]:
        return [
            {**item, "value": values.get(str(item.get("id")), item.get("value"))}
            for item in items
            if isinstance(item, dict)
        ]

    return {
        "tabs": [
            {
                **tab,
                "settings": current(tab.get("settings", [])),
                "groups": [
                    {**group, "settings": current(group.get("settings", []))}
                    for group in tab.get("groups", [])
                    if isinstance(group, dict)
                ],
            }
            for tab in tabs
            if isinstance(tab, dict)
        ]
    }


def _workspace_membership(ws: Workspace, user: User) -> Json:
    """MembershipDtoV1 of type WORKSPACE: the user's own workspace rates."""
    return {
        "userId": user.id,
        "hourlyRate": rate_dto(user.hourly_rate),
        "costRate": rate_dto(user.cost_rate),
        "targetId": ws.id,
        "membershipType": "WORKSPACE",
        "membershipStatus": "ACTIVE",
    }


def _project_membership(project: Project, member: Membership) -> Json:
    """MembershipDtoV1 of type PROJECT: the per-member rates on that project."""
    return {
        "userId": member.user_id,
        "hourlyRate": rate_dto(member.hourly_rate),
        "costRate": rate_dto(member.cost_rate),
        "targetId": project.id,
        "membershipType": "PROJECT",
        "membershipStatus": "ACTIVE",
    }
