"""Verification follows the number: a resource whose phone or text number changed is no longer
verified, unless the change itself gives a new verification date. Plain Python: tables in, a table out."""
from __future__ import annotations

from dataclasses import replace

from .model import Table


def renumbered(old: Table | None, new: Table) -> list[str]:
    """The resources of ``new`` whose phone or text number differs from ``old``'s and whose
    verification was carried over unchanged (so it speaks for the old number)."""
    if old is None:
        return []
    found = []
    for key, resource in new.resources.items():
        before = old.resources.get(key)
        if before is None or (before.phone, before.text) == (resource.phone, resource.text):
            continue
        if resource.last_verified is not None and (resource.last_verified, resource.verified_by) == \
                (before.last_verified, before.verified_by):
            found.append(key)
    return found


def clear_renumbered(old: Table | None, new: Table) -> tuple[Table, list[str]]:
    """``new`` with the verification of every renumbered resource cleared, and their keys."""
    keys = renumbered(old, new)
    if not keys:
        return new, []
    resources = {k: replace(r, last_verified=None, verified_by=None) if k in keys else r
                 for k, r in new.resources.items()}
    return replace(new, resources=resources, memo={}), keys
