from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from shuangsuiji.common.security import client_address

# Failed logins allowed per (username, address) before that pair must wait out the window.
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系联席会议办公室。",
        "throttled": f"登录失败次数过多，请 {WINDOW_SECONDS // 60} 分钟后再试，或联系联席会议办公室。",
    }

    def _throttle_key(self) -> str:
        address = client_address(self.request) if self.request else ""
        return f"login-failures:{(self.data.get('username') or '').strip().lower()}:{address}"

    def clean(self):
        key = self._throttle_key()
        if cache.get(key, 0) >= MAX_FAILURES:
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            cache.set(key, cache.get(key, 0) + 1, WINDOW_SECONDS)
            raise
        cache.delete(key)
        return cleaned
