from django.shortcuts import render

from .models import ItemList


def list_index(request):
    lists = ItemList.objects.select_related("department").all()
    return render(request, "items/list_index.html", {"lists": lists})
