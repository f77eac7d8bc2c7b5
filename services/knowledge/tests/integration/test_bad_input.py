"""Bad input to the knowledge base is a 4xx in the contract's shape, never a 500."""
import pytest


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json["error"]) == {"code", "message", "details"}
    return response.json["error"]


@pytest.mark.parametrize("args", [{"q": "printer\x00"}, {"category": "Hard\x00ware"},
                                  {"service": "\x00"}])
def test_a_nul_byte_in_a_search_or_filter_is_a_422(kb, args):
    kb.article()
    response = kb.http.get("/api/v1/kb/articles", query_string=args)
    assert set(_error(response, 422)["details"]) == set(args)


def test_a_nul_byte_in_an_article_is_a_422_naming_the_field(kb):
    response = kb.http.post("/api/v1/kb/articles", headers=kb.km, json={
        "title": "Printer\x00", "category": "Hardware", "symptoms": "a", "solution": "b"})
    assert "title" in _error(response, 422)["details"]


@pytest.mark.parametrize("path", ["/api/v1/kb/articles/35184372088832",
                                  "/api/v1/kb/articles/99999999999999999999999/versions"])
def test_an_article_id_no_column_holds_is_a_404(kb, path):
    _error(kb.http.get(path, headers=kb.km), 404)


def test_a_page_number_out_of_range_is_a_422(kb):
    response = kb.http.get("/api/v1/kb/articles?page=99999999999999999999")
    assert "page" in _error(response, 422)["details"]
