"""Sign-in and password forms, throttled on who is signing in (issue 26: look-alike usernames, admin login,
the current-password check)."""

import unicodedata

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from shuangsuiji.common.forms import Styled
from shuangsuiji.common.security import client_address

# Failed attempts allowed per (identity, address) before that pair must wait out the window.
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
THROTTLED = f"失败次数过多，请 {WINDOW_SECONDS // 60} 分钟后再试，或联系联席会议办公室。"


def identity(username: str) -> str:
    """The account a typed name means, as Django's login sees it: NFKC (full-width and "styled" letters
    become plain ones), trimmed, case-folded. Throttling keys on this, so ａdmin and 𝐚dmin count as admin."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def throttled(key: str, message: str, attempt):
    """Run ``attempt`` unless MAX_FAILURES failures are counted under ``key`` in the cache; a ValidationError
    from it counts one more failure (for WINDOW_SECONDS), a success clears the count."""
    if cache.get(key, 0) >= MAX_FAILURES:
        raise ValidationError(message, code="throttled")
    try:
        result = attempt()
    except ValidationError:
        cache.set(key, cache.get(key, 0) + 1, WINDOW_SECONDS)
        raise
    cache.delete(key)
    return result


class ThrottledLogin:
    """Mixed into Django's login forms (ours and the admin site's)."""

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系联席会议办公室。",
        "throttled": "登录" + THROTTLED,
        "lookalike": "用户名须用半角字母、数字和下划线输入，不能含全角字母或特殊字体字符。",
    }

    def clean(self):
        raw = (self.data.get("username") or "").strip()
        address = client_address(self.request) if self.request else ""

        def attempt():
            if unicodedata.normalize("NFKC", raw) != raw:
                raise ValidationError(self.error_messages["lookalike"], code="lookalike")
            return super(ThrottledLogin, self).clean()

        return throttled(f"login-failures:{identity(raw)}:{address}", self.error_messages["throttled"], attempt)


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **ThrottledLogin.error_messages}


class ThrottledPasswordChangeForm(Styled, PasswordChangeForm):
    """Changing a password asks for the current one; guessing it is throttled like a login."""

    def clean_old_password(self):
        return throttled(f"password-check-failures:{self.user.pk}", "当前密码输错" + THROTTLED,
                         super().clean_old_password)
