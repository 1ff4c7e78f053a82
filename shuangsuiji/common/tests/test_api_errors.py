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
