"""Where the Chinese font for generated PDFs is: SSJ_CJK_FONT, else the usual system paths, else fontconfig."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

# Debian's fonts-noto-cjk and fonts-wqy-zenhei, in order of preference.
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def find_cjk_font() -> Path | None:
    configured = getattr(settings, "SSJ_CJK_FONT", "")
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    for known in KNOWN_PATHS:
        if Path(known).is_file():
            return Path(known)
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        for line in sorted(out.splitlines()):
            candidate = Path(line.split(":", 1)[0].strip())
            if candidate.suffix.lower() in (".ttf", ".ttc", ".otf") and candidate.is_file():
                return candidate
    return None
