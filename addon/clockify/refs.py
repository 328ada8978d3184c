"""References in a row (user, project, client, task, tags), read from every form Clockify sends.

Separate from `fields.py` because a reference is not one field: it may come flat
(`projectId`/`projectName`, ...) or nested as the regular API has them
(`project{id,name,clientId,clientName}`, `user{}`, `task{}`, `client{}`), and tags as
`tags[{id,name}]` or only `tagIds`. Deciding which object a row names means checking that every
form present agrees, and that is this module's one job. A name without an id is refused, so a
row that named a project never lands in "Without project"; empty ids (`""`) mean "no
project/client/task" and become `None`. Names a row leaves out are "" here and filled in from
the workspace's listings (`names.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from addon.clockify.errors import ClockifyResponseError
from addon.clockify.fields import Row, _array, _object, _text
from addon.reports.model import Ref

__all__: list[str] = []


def _ref(row: Row, name: str, path: str) -> Ref | None:
    """The `name` object of a row, from `{name}: {id, name}` and/or flat `{name}Id`/`{name}Name`.

    Both forms may be present (regular-API-style rows next to the report spec's); they must then
    name the same object. A form that says "none" (`""`, null) against one naming an object is a
    disagreement too: picking either would silently move the row into or out of "Without ...".
    """
    return _agree(path, name, [_nested(row, name, path), _flat(row, name, path)])


def _required_ref(row: Row, name: str, path: str) -> Ref:
    ref = _ref(row, name, path)
    if ref is None:
        raise ClockifyResponseError(f"{path}.{name}Id: missing.")
    return ref


def _project_and_client(row: Row, path: str) -> tuple[Ref | None, Ref | None]:
    """A row's project, and its client from flat, nested `client` or the nested project's fields.

    Regular-API-style rows carry the client inside the project (`project.clientId`); every form
    present must agree.
    """
    project = _ref(row, "project", path)
    forms = [_nested(row, "client", path), _flat(row, "client", path)]
    nested = row.get("project")
    if isinstance(nested, Mapping) and ("clientId" in nested or "clientName" in nested):
        where = f"{path}.project"
        forms.append(
            _form(nested.get("clientId"), nested.get("clientName"), where, "clientId", "clientName")
        )
    return project, _agree(path, "client", forms)


# One form of a reference as (id path, the object or None for "names nothing", name path);
# a form the row does not carry at all is None.
_Reading = tuple[str, Ref | None, str]
_Form = _Reading | None


def _nested(row: Row, name: str, path: str) -> _Form:
    if name not in row:
        return None
    where = f"{path}.{name}"
    if row[name] is None:
        return (f"{where}.id", None, f"{where}.name")
    nested = _object(row[name], where)
    return _form(nested.get("id"), nested.get("name"), where, "id", "name")


def _flat(row: Row, name: str, path: str) -> _Form:
    id_key, name_key = f"{name}Id", f"{name}Name"
    if id_key not in row and name_key not in row:
        return None
    return _form(row.get(id_key), row.get(name_key), path, id_key, name_key)


def _form(ref_id: object, ref_name: object, path: str, id_key: str, name_key: str) -> _Reading:
    """One form's reading; a name without an id is refused, never read as "no object"."""
    id_path, name_path = f"{path}.{id_key}", f"{path}.{name_key}"
    name = "" if ref_name is None else _text(ref_name, name_path)
    if ref_id is None or ref_id == "":
        if name:
            raise ClockifyResponseError(f"{id_path}: missing, but {name_key} names an object.")
        return (id_path, None, name_path)
    return (id_path, Ref(_text(ref_id, id_path), name), name_path)


def _agree(path: str, name: str, forms: Sequence[_Form]) -> Ref | None:
    """The one object every present form names (names may be missing from some forms)."""
    present = [form for form in forms if form is not None]
    if not present:
        return None
    first_path, found, first_name_path = present[0]
    for id_path, ref, name_path in present[1:]:
        if (ref is None) != (found is None) or (ref and found and ref.id != found.id):
            shown = "none" if ref is None else repr(ref.id)
            other = "none" if found is None else repr(found.id)
            raise ClockifyResponseError(
                f"{id_path}: {shown:.40} disagrees with {first_path} ({other:.40})."
            )
        if ref and found and ref.name and found.name and ref.name != found.name:
            raise ClockifyResponseError(  # names are user data: the paths say enough
                f"{name_path}: the name disagrees with {first_name_path}."
            )
        if ref and found and not found.name:
            found = ref
    return found


def _tags(row: Row, path: str) -> tuple[Ref, ...]:
    """`tags[{id, name}]`, or only `tagIds` (names come later from the tag listing).

    With both, they must hold the same ids: a tag in one list only would be kept or dropped
    depending on which list we happened to read.
    """
    tags: list[Ref] = []
    if row.get("tags") is not None:
        where = f"{path}.tags"
        for i, item in enumerate(_array(row["tags"], where)):
            item_row = _object(item, f"{where}[{i}]")
            _, tag, _ = _form(
                item_row.get("id"), item_row.get("name"), f"{where}[{i}]", "id", "name"
            )
            if tag is None:
                raise ClockifyResponseError(f"{where}[{i}].id: missing.")
            tags.append(tag)
    if row.get("tagIds") is None:
        return tuple(tags)
    where = f"{path}.tagIds"
    ids = [_text(item, f"{where}[{i}]") for i, item in enumerate(_array(row["tagIds"], where))]
    if row.get("tags") is None:
        return tuple(Ref(tag_id, "") for tag_id in ids if tag_id)
    if set(ids) != {tag.id for tag in tags}:
        raise ClockifyResponseError(f"{where}: holds other ids than {path}.tags.")
    return tuple(tags)
