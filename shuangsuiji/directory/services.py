"""Writes to the target directory: entity imports and sub-libraries, each in one transaction with its audit event.

Views and the API call these functions and nothing else to change data, so both enforce the same rules:
the office acts for every department, a department administrator only for their own, the leader reads.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit, jobs, uploads
from shuangsuiji.common.errors import FileRefused, Forbidden, Refused, WrongState

from . import importer, loading, uscc
from .access import changes_register
from .filters import RULE_FIELDS, EntityFilter
from .models import Entity, EntityStatus, SubLibrary, SubLibraryKind

IMPORT_JOB = "directory.import_entities"


class DirectoryError(Refused):
    """Wrong input for the directory, in Chinese (who acts is refused with the common ``Forbidden``)."""


class ImportRejected(DirectoryError):
    """The file had invalid rows: nothing was imported; ``report`` lists them."""

    def __init__(self, message: str, report: dict):
        super().__init__(message)
        self.report = report


# ------------------------------------------------------------------------------------------- imports


@dataclass
class ImportOutcome:
    """What an import did, for the job page and the audit log."""

    filename: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = (f"导入完成：共 {self.rows:,} 行，新增 {self.inserted:,} 户，更新 {self.updated:,} 户，"
                f"{self.unchanged:,} 户无变化。")
        if self.ignored_columns:
            text += f"\n未识别、已忽略的列：{'、'.join(self.ignored_columns)}。"
        return text

    def report(self) -> dict:
        return {"rows": self.rows, "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "ignored_columns": self.ignored_columns}


def start_import(upload, *, actor) -> jobs.Job:
    """Check and store an uploaded entity file, then import it as a background job; returns the job."""
    if not actor.is_admin:  # the office and department administrators maintain the directory
        raise Forbidden("只有联席会议办公室和部门管理员可以导入检查对象。")
    relative, _ = uploads.store_upload(upload, "directory/imports")
    name = Path(upload.name or "upload").name[:200]
    return jobs.start(IMPORT_JOB, f"导入检查对象：{name}", user=actor, department=actor.department,
                      params={"path": str(relative), "filename": name})


def import_entities(path: Path | str, *, actor, filename: str = "",
                    progress: Callable[..., None] | None = None) -> ImportOutcome:
    """Insert new entities and update existing ones (by USCC) from a file: every row or none."""
    if not actor.is_admin:  # the office and department administrators maintain the directory
        raise Forbidden("只有联席会议办公室和部门管理员可以导入检查对象。")
    filename = filename or Path(path).name
    batch = uuid.uuid4().hex
    guarded = () if changes_register(actor) else GUARDED
    log = loading.ChangeLog(change_log_path(batch), batch)

    def audit_event(counts: loading.MergeCounts) -> None:
        if counts.rows == 0:
            raise FileRefused("文件中没有数据行。")
        log.keep()
        audit.record(actor, "directory.import_entities", None,
                     after={"file": filename, "inserted": counts.inserted, "updated": counts.updated,
                            "unchanged": counts.unchanged, "batch": batch, "changed_rows": log.rows,
                            "changes_sha256": log.sha.hexdigest()},
                     summary=f"导入检查对象“{filename}”：新增 {counts.inserted} 户，更新 {counts.updated} 户"
                             f"（变更记录 {batch}）",
                     department=actor.department)

    with importer.open_table(path) as table:
        checker = importer.RowChecker(table.header, estimated_rows=max(table.estimated_rows - table.header_row, 0),
                                      null=loading.null_value())
        rows = checker.rows(enumerate(table.rows, start=table.header_row + 1), text=table.kind == "csv")
        try:
            counts = loading.load(rows, checker, progress=progress, finish=audit_event, log=log,
                                  guarded=guarded)
        except loading.Rejected:
            pass
        except loading.Guarded as exc:
            _refuse_guarded(path, checker, exc.found)
        finally:
            log.discard()  # removes the unfinished file unless the import kept it
    if checker.has_problems:
        _reject(path, checker)
    return ImportOutcome(filename, counts.rows, counts.inserted, counts.updated, counts.unchanged, checker.ignored)


# Only the registration authority and the office change these: they decide who can be drawn at all.
GUARDED = ("status", "credit_class")


def _refuse_guarded(path: Path | str, checker: importer.RowChecker, found: list[tuple[str, dict]]) -> None:
    """Name every row (by number) whose 登记状态 or 信用风险分类 this importer may not change."""
    rows = importer.duplicate_rows(path, {code for code, _ in found})
    statuses = dict(EntityStatus.choices)
    for code, fields in found:
        for number in rows.get(code, [0]):
            for name, (stored, imported) in fields.items():
                if name == "status":
                    detail = f"（名录中为“{statuses.get(stored, stored)}”，文件为“{statuses.get(imported, imported)}”）"
                else:  # the class itself is internal: say only that it differs
                    detail = "（与名录中的分类不同）"
                checker.add_error(number, name,
                                  f"{code} 的{checker.heading(name)}只能由登记机关（区市场监督管理局）或联席会议办公室变更"
                                  f"{detail}；请删去此列后重新导入，或请登记机关导入")
    if len(found) >= loading.MAX_GUARDED_REPORTED:
        checker.add_error(0, None, f"另有更多行变更了登记状态或信用风险分类，只列出前 {len(found)} 户")


def change_log_path(batch: str) -> Path:
    """Where an import's change log (every changed row, before and after) is kept."""
    return Path(settings.MEDIA_ROOT) / "directory" / "changes" / f"{batch}.tsv.gz"


def read_change_log(batch: str) -> tuple[int, str]:
    """Line count and SHA-256 of a kept change log, as its import's audit event should record them."""
    digest, count = hashlib.sha256(), 0
    with gzip.open(change_log_path(batch), "rb") as fh:
        fh.readline()  # the header names the columns and is not hashed
        for line in fh:
            digest.update(line)
            count += 1
    return count, digest.hexdigest()


def _reject(path: Path | str, checker: importer.RowChecker) -> None:
    """Raise ImportRejected with every row error and repeated USCC, in row order."""
    repeated = dict(list(importer.duplicate_rows(path, checker.repeated).items())[: importer.MAX_STORED_ERRORS])
    for code, numbers in repeated.items():
        for number in numbers[1:]:
            checker.add_error(number, "uscc", f"统一社会信用代码 {code} 与第 {numbers[0]} 行重复")
    errors = sorted(checker.errors, key=lambda e: e["row"])
    report = {"errors": errors, "error_count": checker.error_count,
              "errors_truncated": checker.error_count > len(errors), "rows": checker.rows_checked}
    raise ImportRejected(f"文件中有 {checker.error_count:,} 处错误，未导入任何数据。请按错误明细修改后重新上传。",
                         report)


# -------------------------------------------------------------------------------------- sub-libraries


@dataclass
class MemberReport:
    """USCCs given for a list-based sub-library that could not be added."""

    added: int = 0
    invalid: list[str] = field(default_factory=list)  # not a valid USCC
    unknown: list[str] = field(default_factory=list)  # valid but not in the directory

    @property
    def message(self) -> str:
        parts = [f"名单共 {self.added:,} 户"]
        if self.unknown:
            parts.append(f"{len(self.unknown)} 个代码不在名录库中：{'、'.join(self.unknown[:20])}"
                         + ("等" if len(self.unknown) > 20 else ""))
        if self.invalid:
            parts.append(f"{len(self.invalid)} 个代码无效：{'、'.join(self.invalid[:20])}"
                         + ("等" if len(self.invalid) > 20 else ""))
        return "；".join(parts) + "。"


def _require_manage(actor, department: Department | None) -> None:
    if not actor.manages(department):
        raise Forbidden("只能管理本部门的名录分库。")


_CODE_TOKEN = re.compile(r"[^\s,，;；、|]+")


def parse_codes(text: str) -> list[str]:
    """USCCs from pasted text or an uploaded list: any separators, in order, without repeats."""
    seen: dict[str, None] = {}
    for token in _CODE_TOKEN.findall(text):
        code = uscc.normalise(token)
        if code and code != "统一社会信用代码":
            seen.setdefault(code, None)
    return list(seen)


def clean_rule(rule: dict, user=None) -> dict:
    """A rule as stored: known keys, valid values, no empty lists; raises DirectoryError otherwise."""
    unknown = set(rule) - set(RULE_FIELDS)
    if unknown:
        raise DirectoryError(f"筛选条件含未知字段：{'、'.join(sorted(unknown))}")
    filt = EntityFilter(rule, user=user, fields=RULE_FIELDS)
    if not filt.is_valid():
        raise DirectoryError(filt.error_text())
    return filt.to_rule()


@transaction.atomic
def save_sublibrary(*, actor, library: SubLibrary | None = None, department: Department, name: str, kind: str,
                    description: str = "", rule: dict | None = None,
                    codes: list[str] | None = None) -> tuple[SubLibrary, MemberReport | None]:
    """Create or change a sub-library of ``department``; a list-based one gets exactly ``codes`` as members."""
    _require_manage(actor, department)
    if library is not None:
        _require_manage(actor, library.department)
    name = name.strip()
    if not name:
        raise DirectoryError("请填写分库名称。")
    if kind not in SubLibraryKind.values:
        raise DirectoryError("分库类型无效。")
    before = audit.snapshot(library, ["name", "department", "kind", "description", "rule"]) if library else None
    library = library or SubLibrary(created_by=actor)
    library.name, library.department, library.kind = name, department, kind
    library.description = description.strip()
    library.rule = clean_rule(rule or {}, actor) if kind == SubLibraryKind.RULE else {}
    try:
        with transaction.atomic():
            library.save()
    except IntegrityError as exc:
        raise WrongState(f"本部门已有名为“{name}”的分库。") from exc
    report = None
    if kind == SubLibraryKind.LIST:
        report = _set_members(library, codes or [])
    else:
        library.members.clear()
    after = audit.snapshot(library, ["name", "department", "kind", "description", "rule"])
    if report:
        after["member_count"] = report.added
    audit.record(actor, "directory.sublibrary_saved" if before else "directory.sublibrary_created", library,
                 before=before, after=after, summary=report.message if report else "")
    return library, report


def _set_members(library: SubLibrary, codes: list[str]) -> MemberReport:
    report = MemberReport()
    valid = []
    for code in codes:
        (report.invalid if uscc.validate(code) else valid).append(code)
    ids: dict[str, int] = {}
    for start in range(0, len(valid), 5000):  # keeps the IN list within every database's parameter limit
        ids.update(Entity.objects.filter(uscc__in=valid[start:start + 5000]).values_list("uscc", "id"))
    report.unknown = [c for c in valid if c not in ids]
    through = SubLibrary.members.through
    through.objects.filter(sublibrary=library).delete()
    through.objects.bulk_create([through(sublibrary=library, entity_id=i) for i in ids.values()], batch_size=5000)
    report.added = len(ids)
    return report


@transaction.atomic
def delete_sublibrary(*, actor, library: SubLibrary) -> None:
    """Delete a sub-library (the entities stay in the directory)."""
    _require_manage(actor, library.department)
    before = audit.snapshot(library, ["name", "department", "kind", "description", "rule"])
    audit.record(actor, "directory.sublibrary_deleted", library, before=before, department=library.department)
    library.members.clear()
    library.delete()
