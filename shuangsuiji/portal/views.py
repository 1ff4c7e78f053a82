from django.shortcuts import render

from shuangsuiji.accounts.models import Department


def home(request):
    """The public portal's front page: no login, nothing internal."""
    return render(request, "portal/home.html", {"departments": Department.objects.members()})
