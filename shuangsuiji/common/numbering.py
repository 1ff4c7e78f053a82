"""Record numbers people quote (XS2026-00001, AJ2026-00001, HY2026-01): the next one after the highest with the
same prefix, read under a row lock so two writers in one transaction each get their own."""

from __future__ import annotations


def next_number(model, prefix: str, width: int) -> str:
    last = (model.objects.select_for_update().filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:0{width}d}"
