"""Business look-up and the business page: registration facts, every published inspection across
departments, the draws that selected it and an in-browser check of its ticket."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from shuangsuiji.directory import search
from shuangsuiji.directory.models import Entity, EntityType
from shuangsuiji.draws.models import DrawnEntity, DrawStatus
from shuangsuiji.results import public as results

from . import tickets


def page_number(request) -> int:
    """The ?page= number; anything else than a positive integer within reason is page 1."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else 1


def lookup(request):
    q = request.GET.get("q", "")
    context = {"q": search.normalise(q)}
    if q.strip():
        try:
            context["page"] = search.page(q, page_number(request))
        except search.SearchError as exc:
            context["error"] = str(exc)
    return render(request, "portal/business/lookup.html", context)


def facts(entity: Entity) -> list[tuple[str, str]]:
    """The public registration facts (the 公示系统's own); the credit class and scale are not among them.
    An individual business's operator is a private person: not named here."""
    rows = [("统一社会信用代码", entity.uscc), ("名称", entity.name), ("主体类型", entity.get_entity_type_display()),
            ("登记状态", entity.get_status_display()),
            ("成立日期", entity.registered_on.isoformat() if entity.registered_on else "—"),
            ("乡镇（街道）", entity.township.name if entity.township else "—"),
            ("行业", entity.industry.name if entity.industry else "—"), ("住所（经营场所）", entity.address or "—")]
    if entity.entity_type != EntityType.INDIVIDUAL and entity.legal_rep:
        rows.insert(4, ("法定代表人（负责人）", entity.legal_rep))
    return rows


def detail(request, uscc: str):
    entity = (Entity.objects.select_related("township", "industry").filter(uscc=search.normalise(uscc).upper())
              .first())
    if entity is None:
        raise Http404("没有这个统一社会信用代码的市场主体。")
    publications = results.with_followups(
        entity.publications.for_display().order_by("-checked_on", "-id"))
    drawn = list(DrawnEntity.objects.filter(entity=entity, draw__status__in=(DrawStatus.PUBLISHED, DrawStatus.VOID))
                 .exclude(draw__seed="").select_related("draw", "draw__department", "entity")
                 .only("stratum", "ticket", "rank", "entity__uscc", "draw__number", "draw__title", "draw__status",
                       "draw__seed", "draw__revealed_at", "draw__department__name", "draw__pool_salt")
                 .order_by("-draw__revealed_at"))
    for d in drawn:  # a blinded draw is the one with a pool salt (draws.services.commit); no manifest read
        d.check = tickets.check_one(d, blinded=bool(d.draw.pool_salt))
    return render(request, "portal/business/detail.html", {
        "entity": entity, "facts": facts(entity),
        "current": [p for p in publications if p.corrected_at is None],
        "corrected": [p for p in publications if p.corrected_at is not None],
        "drawn": drawn,
    })
