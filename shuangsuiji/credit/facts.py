"""Importing credit facts (经营异常名录, 严重违法失信名单, penalties, complaints, annual reports, 失信惩戒 and 守信
激励 lists): every row checked first (``importer.read``), then all written in one transaction or nothing.

The facts feed the next recomputation of the classes; 失信联合惩戒对象 and 守信激励对象 also set the business's
``Entity.credit_list``, by which a 风险分类联查 draws them at their own ratios.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shuangsuiji.common import audit, jobs, uploads
from shuangsuiji.common.errors import Forbidden
from shuangsuiji.directory.models import CreditList, Entity

from . import importer
from .importer import EXCLUSIVE, FACTS, FLAGS, KINDS, LISTS
from .models import Facts

IMPORT_JOB = "credit.import_facts"
CHUNK = 5_000


class FactsRejected(jobs.JobError):
    """The file had problems: nothing was imported; ``report`` lists them by row and column."""


@dataclass
class Outcome:
    filename: str
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    removed: int
    skipped: int
    skipped_rows: list[dict]

    @property
    def message(self) -> str:
        if self.kind == "facts":
            text = (f"导入完成：共 {self.rows:,} 行，新登记 {self.created:,} 户的信用信息，更新 {self.updated:,} 户，"
                    f"{self.unchanged:,} 户无变化。")
        else:
            text = (f"已按“{LISTS[self.kind]}”更新：共 {self.rows:,} 行，新列入 {self.created + self.updated:,} 户，"
                    f"移出 {self.removed:,} 户，{self.unchanged:,} 户仍在名单上。")
        if self.skipped:
            text += f"\n{self.skipped:,} 个代码不在检查对象名录库中，已略过（见下方列表）。"
        return text + "\n重新计算信用风险分类后，各市场主体的分类按新信息确定。"


def _office_only(actor) -> None:
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以导入信用信息。")


def start_import(upload, kind: str, *, actor) -> jobs.Job:
    """Store an uploaded credit file and import it as a background job."""
    _office_only(actor)
    if kind not in KINDS:
        raise FactsRejected("请选择文件类型：信用信息表，或某一份完整名单。")
    relative, _ = uploads.store_upload(upload, "credit/imports")
    name = Path(upload.name or "upload").name[:200]
    return jobs.start(IMPORT_JOB, f"导入信用信息：{name}", user=actor,
                      params={"path": str(relative), "filename": name, "kind": kind})


def _chunks(values: Iterable[int]) -> Iterable[list[int]]:
    it = iter(values)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def import_facts(path: Path | str, kind: str, *, actor, filename: str = "",
                 progress: Callable[..., None] | None = None) -> Outcome:
    """Read, check and write a credit file: every row or none."""
    _office_only(actor)
    filename = filename or Path(path).name
    checked = importer.read(path, kind, progress=progress)
    if not checked.error_count and not checked.rows:
        raise FactsRejected("文件中没有数据行。")
    with transaction.atomic():
        if not checked.error_count:
            counts = _write_table(checked) if kind == "facts" else _write_list(checked, kind)
        if checked.error_count:  # the file's own problems, or a business that would be on both lists: roll back
            errors = sorted(checked.errors, key=lambda e: e["row"])
            raise FactsRejected(f"文件中有 {checked.error_count:,} 处错误，未导入任何数据。请按错误明细修改后重新上传。",
                                {"errors": errors, "error_count": checked.error_count,
                                 "errors_truncated": checked.error_count > len(errors), "rows": checked.rows})
        sync_lists(counts.pop("touched"))
        Facts.objects.filter(abnormal=False, serious=False, annual_report_missing=False, punished=False,
                             trusted=False, penalties=0, complaints=0).delete()  # only businesses with something
        outcome = Outcome(filename, kind, checked.rows, skipped=checked.skipped_count, skipped_rows=checked.skipped,
                          **counts)
        audit.record(actor, "credit.import_facts", None,
                     after={"file": filename, "kind": kind, "rows": checked.rows, "created": outcome.created,
                            "updated": outcome.updated, "removed": outcome.removed, "skipped": outcome.skipped},
                     summary=f"导入信用信息“{filename}”（{KINDS[kind]}）：新登记 {outcome.created} 户，"
                             f"更新 {outcome.updated} 户，移出 {outcome.removed} 户")
    return outcome


def _write_table(checked: importer.Checked) -> dict:
    """Each row's filled cells replace what is on record; a business on both the 失信 and 守信 list is refused."""
    now = timezone.now()
    created = updated = unchanged = 0
    touched: set[int] = set()
    new: list[Facts] = []
    for ids in _chunks(checked.changes):
        existing = Facts.objects.in_bulk(ids)
        changed: list[Facts] = []
        for pk in ids:
            values = checked.changes[pk]
            facts = existing.get(pk) or Facts(entity_id=pk)
            before = {name: getattr(facts, name) for name in FACTS}
            for name, value in values.items():
                setattr(facts, name, value)
            if facts.punished and facts.trusted:  # the row sets one; the other is on record
                claimed = "punished" if values.get("punished") else "trusted"
                held = EXCLUSIVE[1 - EXCLUSIVE.index(claimed)]
                checked.error(checked.first_row[pk], claimed,
                              f"该主体已是{FLAGS[held]}，不能同时是{FLAGS[claimed]}：如已不再是{FLAGS[held]}，"
                              f"请在本行“{FLAGS[held]}”列填“否”")
                continue
            if any(before[name] != getattr(facts, name) for name in FACTS):
                facts.updated_at = now
                if pk in existing:
                    changed.append(facts)
                    updated += 1
                else:
                    new.append(facts)
                    created += 1
                if before["punished"] != facts.punished or before["trusted"] != facts.trusted:
                    touched.add(pk)
            else:
                unchanged += 1
        if not checked.error_count:
            Facts.objects.bulk_update(changed, [*FACTS, "updated_at"], batch_size=1000)
    if not checked.error_count:
        Facts.objects.bulk_create(new, batch_size=1000)
    return {"created": created, "updated": updated, "unchanged": unchanged, "removed": 0, "touched": touched}


def _write_list(checked: importer.Checked, flag: str) -> dict:
    """The file is the whole list: its businesses are on it, every other business is taken off."""
    now = timezone.now()
    listed = checked.listed
    if flag in EXCLUSIVE:
        other = EXCLUSIVE[1 - EXCLUSIVE.index(flag)]
        both = {pk for ids in _chunks(listed)
                for pk in Facts.objects.filter(entity_id__in=ids, **{other: True}).values_list("entity_id", flat=True)}
        for pk in sorted(both, key=checked.first_row.__getitem__):
            checked.error(checked.first_row[pk], "uscc", f"该主体目前是{FLAGS[other]}，不能同时列为{FLAGS[flag]}："
                                                        f"请先导入最新的{LISTS[other]}")
        if both:
            return {}
    on = set(Facts.objects.filter(**{flag: True}).values_list("entity_id", flat=True))
    removed, added = on - listed, listed - on
    for ids in _chunks(removed):
        Facts.objects.filter(entity_id__in=ids).update(**{flag: False, "updated_at": now})
    have: set[int] = set()
    for ids in _chunks(added):
        have |= set(Facts.objects.filter(entity_id__in=ids).values_list("entity_id", flat=True))
        Facts.objects.filter(entity_id__in=ids).update(**{flag: True, "updated_at": now})
    Facts.objects.bulk_create([Facts(entity_id=pk, **{flag: True}) for pk in added - have], batch_size=1000)
    return {"created": len(added - have), "updated": len(added & have), "unchanged": len(listed & on),
            "removed": len(removed), "touched": (removed | added) if flag in EXCLUSIVE else set()}


def sync_lists(touched: set[int]) -> None:
    """``Entity.credit_list`` of the businesses whose 失信惩戒 or 守信激励 status changed."""
    punished, trusted = Q(credit_facts__punished=True), Q(credit_facts__trusted=True)
    for ids in _chunks(touched):
        chunk = Entity.objects.filter(pk__in=ids)
        chunk.filter(punished).update(credit_list=CreditList.PUNISHED)
        chunk.filter(trusted).update(credit_list=CreditList.TRUSTED)
        chunk.exclude(punished | trusted).update(credit_list=CreditList.NONE)


def list_counts() -> dict[str, int]:
    """How many businesses are on each list (the flag keys of ``importer.FLAGS``), from the sparse facts table."""
    return Facts.objects.aggregate(**{name: Count("pk", filter=Q(**{name: True})) for name in FLAGS})
