from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Inspector


def inspector_list(request):
    qs = Inspector.objects.select_related("department")
    if not request.user.is_office and request.user.department_id:
        qs = qs.filter(department=request.user.department)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspectors/inspector_list.html", {"page": page})
