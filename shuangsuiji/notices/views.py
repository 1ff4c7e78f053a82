from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Notice


def notice_list(request):
    notices = Notice.objects.for_user(request.user)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page": page, "unread": notices.unread().count()})


@require_POST
def notice_read(request, pk: int):
    """Mark a notice read and follow its link (a local one only)."""
    notice = Notice.objects.for_user(request.user).filter(pk=pk).first()
    if notice is None:
        return redirect("notices:list")
    services.mark_read(request.user, pk)
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notices:list")


@require_POST
def notice_read_all(request):
    services.mark_read(request.user)
    return redirect("notices:list")
