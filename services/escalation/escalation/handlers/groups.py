"""The admin's edits of level-2 groups: the groups, their members and which categories each
takes by default. The caller commits."""
from __future__ import annotations

from servicedesk_common.errors import Conflict, NotFound
from servicedesk_common.identity import Identity

from ..models import Group, Member
from .read_model import now


def group_or_404(code: str, *, uow, for_update: bool = False) -> Group:
    group = uow.groups.get(code, for_update=for_update)
    if group is None:
        raise NotFound(f"No group {code!r}.")
    return group


def views(groups: list[Group], *, uow) -> list[dict]:
    """Groups with their members (and how many open escalations each has) and categories."""
    members = uow.groups.member_map()
    routes = uow.groups.routes()
    loads = uow.groups.open_loads(sorted({name for names in members.values() for name in names}))
    return [{
        "code": group.code, "name": group.name, "description": group.description,
        "active": group.active,
        "categories": sorted(c for c, code in routes.items() if code == group.code),
        "members": [{"username": name, "open_escalations": loads[name]}
                    for name in members.get(group.code, [])],
    } for group in groups]


def create_group(data: dict, *, by: Identity, uow) -> Group:
    if uow.groups.get(data["code"]) is not None:
        raise Conflict(f"A group {data['code']!r} exists already.")
    moment = now()
    group = Group(code=data["code"], name=data["name"], description=data.get("description"),
                  active=True, created_at=moment, updated_at=moment)
    uow.groups.add(group)
    for position, username in enumerate(dict.fromkeys(data.get("members") or [])):
        uow.groups.add_member(Member(group_code=group.code, username=username,
                                     position=position, added_at=moment))
    if data.get("categories"):
        uow.groups.set_categories(group.code, list(dict.fromkeys(data["categories"])),
                                  by=by.username, at=moment)
    return group


def update_group(code: str, data: dict, *, uow) -> Group:
    group = group_or_404(code, uow=uow, for_update=True)
    for name in ("name", "description", "active"):
        if name in data:
            setattr(group, name, data[name])
    group.updated_at = now()
    return group


def add_member(code: str, username: str, *, uow) -> Group:
    group = group_or_404(code, uow=uow, for_update=True)
    members = uow.groups.members(code)
    if any(member.username == username for member in members):
        raise Conflict(f"{username} is already a member of {code!r}.")
    position = max((member.position for member in members), default=-1) + 1
    uow.groups.add_member(Member(group_code=code, username=username, position=position,
                                 added_at=now()))
    return group


def remove_member(code: str, username: str, *, uow) -> Group:
    """Open escalations stay with the person; an operator reassigns them if need be."""
    group = group_or_404(code, uow=uow, for_update=True)
    member = next((m for m in uow.groups.members(code) if m.username == username), None)
    if member is None:
        raise NotFound(f"{username} is not a member of {code!r}.")
    uow.groups.remove_member(member)
    return group


def set_categories(code: str, categories: list[str], *, by: Identity, uow) -> Group:
    group = group_or_404(code, uow=uow, for_update=True)
    uow.groups.set_categories(code, list(dict.fromkeys(categories)), by=by.username, at=now())
    return group
