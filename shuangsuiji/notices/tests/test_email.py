"""Issue 29: notices by e-mail where configured. Without an SMTP server (the default) nothing is mailed; with
one, each notice goes to its readers who have an address, after the change that caused it is committed."""

from django.core import mail

from shuangsuiji.notices import services


def test_no_mail_unless_configured(personas, settings, django_capture_on_commit_callbacks):
    settings.NOTICE_EMAIL = False
    personas.lead_admin.email = "bob@example.test"
    personas.lead_admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.tell(personas.lead_dept, "任务被退回", "请补充抽查比例依据")
    assert mail.outbox == []


def test_a_notice_is_mailed_to_its_readers_with_an_address(personas, settings, django_capture_on_commit_callbacks):
    settings.NOTICE_EMAIL, settings.SITE_URL = True, "https://ssj.example.test"
    personas.lead_admin.email = "bob@example.test"
    personas.lead_admin.save()
    personas.partner_admin.email = "partner@example.test"
    personas.partner_admin.save()
    personas.office.email = "office@example.test"
    personas.office.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.tell(personas.lead_dept, "任务被退回", "请补充抽查比例依据", url="plans:year")
    [message] = mail.outbox
    # the readers are whoever sees it in the app: the department's users (the demo office sits in 市场监管)
    readers = {u.email for u in (personas.lead_admin, personas.office, personas.partner_admin)
               if u.department_id == personas.lead_dept.pk}
    assert set(message.to) == readers and "partner@example.test" not in message.to and "任务被退回" in message.subject
    assert "请补充抽查比例依据" in message.body and "https://ssj.example.test/plans/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_office("卫健报备了年度计划")
    assert mail.outbox[-1].to == ["office@example.test"]
