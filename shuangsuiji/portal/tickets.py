"""What the in-browser ticket check needs from a published draw: the seed, each stratum's cut-off (the
largest ticket drawn in it) and the published tickets. The browser recomputes the ticket itself
(static/js/ticket.js); a blinded draw gives no strata, since they stand for internal credit classes."""

from __future__ import annotations

from shuangsuiji.draws.models import Draw, DrawnEntity, DrawStatus


def is_public(draw: Draw) -> bool:
    return draw.status in (DrawStatus.PUBLISHED, DrawStatus.VOID) and bool(draw.seed)


def check_data(draw: Draw) -> dict | None:
    """Every stratum and published ticket of a draw (its public page); None before its outcome is public."""
    if not is_public(draw) or not draw.result:
        return None
    strata = draw.result.get("strata", [])
    tickets = {d["id"]: d["ticket"] for s in strata for d in s["drawn"]}
    data = {"number": draw.number, "seed": draw.seed, "blinded": draw.blinded, "tickets": tickets, "strata": []}
    if not draw.blinded:
        data["strata"] = [{"name": s["name"], "count": s["count"], "eligible": s["eligible"],
                           "cutoff": s["drawn"][-1]["ticket"] if s["drawn"] else None,
                           "members": [d["id"] for d in s["drawn"]]} for s in strata]
    return data


def check_one(drawn: DrawnEntity, blinded: bool) -> dict:
    """One business's ticket in one draw (its own page), from the drawn rows without reading the draw's
    whole result: the cut-off of its stratum is the ticket ranked last in it."""
    draw, uscc = drawn.draw, drawn.entity.uscc
    data = {"number": draw.number, "seed": draw.seed, "blinded": blinded, "tickets": {uscc: drawn.ticket},
            "strata": []}
    if not blinded:
        last = (DrawnEntity.objects.filter(draw_id=draw.pk, stratum=drawn.stratum).order_by("-rank")
                .values_list("ticket", "rank").first())
        data["strata"] = [{"name": drawn.stratum, "count": last[1], "eligible": "本层", "cutoff": last[0],
                           "members": [uscc]}]
    return data
