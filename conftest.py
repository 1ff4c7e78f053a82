import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    """Background tasks run in-process in tests; uploads go to a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def personas(db):
    from shuangsuiji.common.testing import make_personas

    return make_personas()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
