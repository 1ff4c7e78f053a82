"""/public/draws/: kept under its own namespace (public_draws) so its addresses stay stable."""

from django.urls import path

from shuangsuiji.accounts.permissions import PUBLIC

from . import draws

app_name = "public_draws"
urlpatterns = [
    path("", draws.index, name="index"),
    path("verify/", draws.howto, name="howto"),
    path("verify_draw.py", draws.verifier, name="verifier"),
    path("<str:number>/", draws.detail, name="detail"),
    path("<str:number>/kit.zip", draws.kit, name="kit"),
]

PERMISSIONS = {p.name: PUBLIC for p in urlpatterns}
