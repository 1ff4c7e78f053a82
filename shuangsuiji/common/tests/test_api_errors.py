"""API input errors answer in Chinese and name the field."""


def test_a_malformed_query_parameter_is_named_in_chinese(personas, client_for):
    client = client_for(personas.office)
    response = client.get("/api/v1/directory/entities", {"limit": "abc"})
    assert response.status_code == 422
    body = response.json()
    assert "limit" in body["detail"] and "整数" in body["detail"]


def test_the_api_docs_are_reachable_at_the_short_address(personas, client_for):
    response = client_for(personas.office).get("/api/docs")
    assert response.status_code == 302 and response.url == "/api/v1/docs"


def test_no_two_api_schemas_share_a_name() -> None:
    """OpenAPI keeps one component per name, so two different schemas with one name would document
    one router's answers with the other's fields."""
    from ninja import Schema

    from shuangsuiji.api import api

    api.get_openapi_schema()
    seen: dict[str, type] = {}
    clashes = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("shuangsuiji."):
            continue
        if cls.__name__ in seen and seen[cls.__name__] is not cls:
            clashes.append(f"{cls.__name__}: {seen[cls.__name__].__module__} and {cls.__module__}")
        seen[cls.__name__] = cls
    assert not clashes
