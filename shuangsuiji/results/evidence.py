"""Evidence files: type by content, size-limited, stored with their SHA-256; photos get a smaller copy
for the page (the original is kept untouched, since it is the evidence)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, TooLarge, WrongState

from .models import Evidence, EvidenceKind, ItemResult
from .services import ResultError, is_assigned, may_review, step

TYPES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
         b"%PDF-": ("application/pdf", "pdf")}
DISPLAY_EDGE = 1280


def sniff(head: bytes) -> tuple[str, str] | None:
    """The (content type, extension) of an evidence file by its first bytes, or None."""
    for magic, kind in TYPES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def limit() -> int:
    """The largest evidence file accepted, in bytes (SSJ_MAX_EVIDENCE_BYTES)."""
    return getattr(settings, "SSJ_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024)


def _display_copy(source: Path, target: Path) -> None:
    """A JPEG at most DISPLAY_EDGE pixels on its long side, without the original's metadata (location)."""
    from PIL import Image, ImageOps

    with Image.open(source) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE))
        img.convert("RGB").save(target, "JPEG", quality=80)


def attach(user, row: ItemResult, upload, *, kind: str = EvidenceKind.PHOTO, source: str = "") -> Evidence:
    """Store a photo or document as evidence of one item result, with its SHA-256 and a smaller copy."""
    part = row.part
    if not (is_assigned(user, part) or may_review(user, part)):
        raise Forbidden("只有本部门检查组成员或管理员可以上传此事项的证据。")
    if not part.editable:
        raise WrongState(f"此检查记录{part.get_status_display()}，不能再添加证据。")
    if kind not in EvidenceKind.values:
        raise ResultError("请选择证据类型。")
    if kind in (EvidenceKind.THIRD_PARTY, EvidenceKind.EXPERT) and not source.strip():
        raise ResultError("第三方机构报告或专家鉴定结论，请填写出具单位或专家姓名。")
    if upload.size == 0:
        raise ResultError("上传的文件是空的。")
    if upload.size > limit():
        raise TooLarge(f"文件大小为 {upload.size / 1048576:.1f} MB，超过上限 {limit() // 1048576} MB。")
    upload.seek(0)
    found = sniff(upload.read(16))
    if found is None:
        raise ResultError("只能上传 JPEG、PNG、WebP 照片或 PDF 文件（按文件内容识别）。")
    content_type, ext = found
    digest = hashlib.sha256()
    folder = Path("evidence") / str(part.visit_id)
    name = uuid.uuid4().hex
    target = Path(settings.MEDIA_ROOT) / folder / f"{name}.{ext}"
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    same = Evidence.objects.filter(result=row, sha256=digest.hexdigest()).first()
    if same is not None:
        target.unlink(missing_ok=True)
        raise WrongState(f"同一文件已作为此事项的证据上传过（{same.name}，{timezone.localtime(same.uploaded_at):%Y-%m-%d %H:%M}，"
                         f"SHA-256 {same.sha256[:16]}…），无需重复上传。")
    display = ""
    if content_type.startswith("image/"):
        try:
            _display_copy(target, target.with_name(f"{name}.display.jpg"))
        except Exception as exc:  # Pillow raises many kinds for a damaged picture
            target.unlink(missing_ok=True)
            raise ResultError("图片文件已损坏或无法识别，请重新拍摄或上传。") from exc
        display = str(folder / f"{name}.display.jpg")
    original = (getattr(upload, "name", "") or f"证据.{ext}")[-200:]
    with transaction.atomic():
        evidence = Evidence.objects.create(result=row, kind=kind, name=original, path=str(folder / f"{name}.{ext}"),
                                           display_path=display, content_type=content_type, size=upload.size,
                                           sha256=digest.hexdigest(), source=source.strip(), uploaded_by=user)
        step(part.visit, part, user, "evidence",
             f"{row.item.name[:30]}：{evidence.get_kind_display()} {original[:60]} SHA-256 {evidence.sha256[:16]}…")
        audit.record(user, "result.evidence", evidence, department=part.department,
                     after={"sha256": evidence.sha256, "size": evidence.size, "kind": kind})
    return evidence


def file_path(evidence: Evidence, display: bool = False) -> Path:
    """Where an evidence file (or its smaller display copy) is stored."""
    return Path(settings.MEDIA_ROOT) / (evidence.display_path if display and evidence.display_path else evidence.path)
