"""Builders for tests of any app that needs market entities or sub-libraries."""

from __future__ import annotations

import random
from itertools import count

from . import uscc
from .models import Entity, EntityStatus, EntityType, SubLibrary, SubLibraryKind

_rng = random.Random()
_serial = count(1)
# The USCC institution-type character (position 2, market supervision) of each entity type.
_KIND = {EntityType.ENTERPRISE: "1", EntityType.INDIVIDUAL: "2", EntityType.COOPERATIVE: "3",
         EntityType.BRANCH: "1"}


def new_uscc(entity_type: str = EntityType.ENTERPRISE) -> str:
    """A random valid USCC of the kind an entity of ``entity_type`` in 定陶区 carries."""
    if entity_type == EntityType.OTHER:
        return uscc.make(_rng, authority="N", kind="2")
    return uscc.make(_rng, kind=_KIND[entity_type])


def _fields(n: int, overrides: dict) -> dict:
    entity_type = overrides.get("entity_type", EntityType.ENTERPRISE)
    return {"uscc": new_uscc(entity_type), "name": f"菏泽市定陶区测试主体{n}有限公司", "entity_type": entity_type,
            "status": EntityStatus.ACTIVE, **overrides}


def make_entity(**overrides) -> Entity:
    """One saved entity with a valid random USCC; any field can be overridden (industry_id="1391", …)."""
    return Entity.objects.create(**_fields(next(_serial), overrides))


def make_entities(n: int, **common) -> list[Entity]:
    """``n`` saved entities in one bulk insert, sharing ``common`` field values."""
    return Entity.objects.bulk_create([Entity(**_fields(next(_serial), common)) for _ in range(n)], batch_size=1000)


def make_sublibrary(department, *, name: str | None = None, rule: dict | None = None,
                    members: list[Entity] | None = None, **extra) -> SubLibrary:
    """A rule-based sub-library, or a list-based one when ``members`` is given."""
    kind = SubLibraryKind.LIST if members is not None else SubLibraryKind.RULE
    library = SubLibrary.objects.create(name=name or f"测试分库{next(_serial)}", department=department, kind=kind,
                                        rule=rule or {}, **extra)
    if members:
        library.members.set(members)
    return library
