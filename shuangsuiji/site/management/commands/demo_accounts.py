from django.core.management.base import BaseCommand

from shuangsuiji.accounts import demo
from shuangsuiji.accounts.models import User


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for username, _role, _dept, _display in demo.demo_users():
            user = User.objects.filter(username=username).select_related("department", "inspector").first()
            if user:
                dept = user.department.name if user.department else "—"
                record = getattr(user, "inspector", None)
                linked = f"（名录库：{record.name}，执法证号 {record.cert_no}）" if record else ""
                self.stdout.write(f"  {username:<22} {user.get_role_display():<14} {dept}{linked}")
