from django.urls import path

from shuangsuiji.common.permissions import PUBLIC

from . import views

app_name = "public_draws"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("verify/", views.public_howto, name="howto"),
    path("verify_draw.py", views.public_verifier, name="verifier"),
    path("<str:number>/", views.public_detail, name="detail"),
    path("<str:number>/kit.zip", views.public_kit, name="kit"),
]

PERMISSIONS = {name: PUBLIC for name in ("index", "howto", "verifier", "detail", "kit")}
