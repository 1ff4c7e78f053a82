from django_tasks import task


@task()
def email_notice(notice_id: int) -> str:
    """E-mail one notice to its department's users with an address (settings.NOTICE_EMAIL)."""
    from .models import Notice
    from .services import send_email

    notice = Notice.objects.filter(pk=notice_id).first()
    return f"发送 {send_email(notice)} 封" if notice else "通知不存在"
