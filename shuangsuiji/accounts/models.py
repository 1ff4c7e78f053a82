"""Departments and users: who acts, for which department, in which role."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "联席会议办公室管理员"
    DEPT_ADMIN = "dept_admin", "部门管理员"
    INSPECTOR = "inspector", "执法检查人员"
    LEADER = "leader", "领导（只读）"


class DepartmentQuerySet(models.QuerySet):
    def members(self):
        return self.filter(is_member=True)


class Department(models.Model):
    """A member unit of the joint meeting (or another unit that inspects)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30)
    # Comma-separated words that identify this unit in provincial lists ("省教育厅", "教育部门").
    aliases = models.CharField("别名", max_length=300, blank=True)
    is_member = models.BooleanField("联席会议成员单位", default=True)
    hosts_office = models.BooleanField("联席会议办公室所在单位", default=False)
    # The registration authority: only it (and the office) changes a business's 登记状态 and 信用风险分类,
    # which decide who can be drawn at all.
    keeps_register = models.BooleanField("登记机关（维护登记状态和信用风险分类）", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(",") if a.strip()]


class User(AbstractUser):
    """A person who logs in; the public never has an account."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.DEPT_ADMIN)
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField(
        "须修改初始密码", default=False,
        help_text="账号由管理员开通、初始密码经人转交时为真；本人修改密码前，除修改密码和退出外一律转到修改密码页。")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def effective_role(self) -> str:
        return Role.OFFICE if self.is_superuser else self.role

    @property
    def is_office(self) -> bool:
        return self.effective_role == Role.OFFICE

    @property
    def is_leader(self) -> bool:
        """The read-only leader: reads every department, changes nothing."""
        return self.effective_role == Role.LEADER

    @property
    def is_admin(self) -> bool:
        """The office or a department's administrator: who decides (the scope is ``manages``)."""
        return self.effective_role in (Role.OFFICE, Role.DEPT_ADMIN)

    @property
    def sees_all_departments(self) -> bool:
        """The office administers every department; the leader reads every department."""
        return self.is_office or self.is_leader

    def can_act_for(self, department: Department | None) -> bool:
        """Office acts for every department; a department user only for their own."""
        if self.is_office:
            return True
        if self.is_leader:
            return False
        return department is not None and self.department_id == department.pk

    def manages(self, department: Department | None) -> bool:
        """The office, or an administrator of ``department``: who decides for that department."""
        return self.is_admin and self.can_act_for(department)
