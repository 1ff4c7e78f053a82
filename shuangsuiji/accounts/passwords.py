"""Password rules beyond Django's (issue 26): several kinds of character, and not the current password."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = {"小写字母": re.compile(r"[a-z]"), "大写字母": re.compile(r"[A-Z]"), "数字": re.compile(r"[0-9]"),
           "符号": re.compile(r"[^a-zA-Z0-9]")}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (the shipped translation lacks the plural form it uses)."""

    def get_error_message(self):
        return f"密码太短，至少包含 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少包含 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least ``min_classes`` of lower-case letters, upper-case letters, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(bool(rx.search(password)) for rx in CLASSES.values()) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含{'、'.join(CLASSES)}中的至少 {self.min_classes} 种。"


class NotCurrentPasswordValidator:
    """A new password must differ from the one it replaces."""

    def validate(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError("新密码不能与当前密码相同。", code="password_reused")

    def get_help_text(self):
        return "新密码不能与当前密码相同。"
