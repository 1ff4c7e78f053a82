from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Entity, SubLibrary


def entity_list(request):
    page = Paginator(Entity.objects.select_related("industry", "township"), 50).get_page(request.GET.get("page"))
    return render(request, "directory/entity_list.html", {"page": page})


def sublibrary_list(request):
    return render(request, "directory/sublibrary_list.html", {"libraries": SubLibrary.objects.all()})
