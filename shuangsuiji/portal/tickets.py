"""What the in-browser ticket check needs from a published draw: the seed, each stratum's cut-off (the
largest ticket drawn in it) and the published tickets. The browser recomputes the ticket itself
(static/js/ticket.js); a blinded draw gives no strata, since they stand for internal credit classes."""

from __future__ import annotations

from shuangsuiji.draws.models import Draw, DrawStatus


def check_data(draw: Draw, only: str | None = None) -> dict | None:
    """None when the draw has no public outcome yet; ``only`` limits the published tickets to one USCC."""
    if draw.status not in (DrawStatus.PUBLISHED, DrawStatus.VOID) or not draw.seed or not draw.result:
        return None
    strata = draw.result.get("strata", [])
    tickets = {d["id"]: d["ticket"] for s in strata for d in s["drawn"] if only is None or d["id"] == only}
    data = {"number": draw.number, "seed": draw.seed, "blinded": draw.blinded, "tickets": tickets, "strata": []}
    if not draw.blinded:
        data["strata"] = [{"name": s["name"], "count": s["count"], "eligible": s["eligible"],
                           "cutoff": s["drawn"][-1]["ticket"] if s["drawn"] else None,
                           "members": [d["id"] for d in s["drawn"] if only is None or d["id"] == only]}
                          for s in strata]
    return data
