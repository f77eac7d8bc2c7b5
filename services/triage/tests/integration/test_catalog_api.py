"""The catalog and the priority matrix over HTTP: anyone reads them, only an admin edits."""
import pytest


@pytest.fixture
def triage(run_service):
    return run_service("triage", worker=False)


def admin(triage):
    return triage.headers("admin", "admin")


def services_of(catalog: dict, category: str) -> list[str]:
    found = [c for c in catalog["categories"] if c["name"] == category]
    return [s["name"] for c in found for d in c["details"] for s in d["services"]]


def test_anyone_reads_the_whole_catalog(triage):
    response = triage.http.get("/api/v1/catalog")
    assert response.status_code == 200
    catalog = response.json
    assert [t["code"] for t in catalog["types"]] == ["incident", "service_request",
                                                     "access_request", "other"]
    assert catalog["types"][0] == {"code": "incident", "name": "Insiden", "categories": [
        "Aplikasi", "Jaringan", "Hardware", "Data"]}
    assert [c["name"] for c in catalog["categories"]] == ["Aplikasi", "Jaringan", "Hardware",
                                                          "Data"]
    assert sum(len(services_of(catalog, c["name"])) for c in catalog["categories"]) == 26
    hardware = next(c for c in catalog["categories"] if c["name"] == "Hardware")
    komputer = next(d for d in hardware["details"] if d["name"] == "Komputer")
    assert {"code": "komputer-gagal-booting", "name": "Komputer gagal booting"} in \
        komputer["services"]


def test_an_admin_adds_moves_retires_and_restores_a_service(triage):
    added = triage.http.post("/api/v1/catalog/services", headers=admin(triage), json={
        "category": "Aplikasi", "detail": "Email", "name": "Email tidak terkirim"})
    assert added.status_code == 201, added.json
    assert added.json["code"] == "email-tidak-terkirim" and added.json["active"] is True
    assert "Email tidak terkirim" in services_of(triage.http.get("/api/v1/catalog").json,
                                                 "Aplikasi")

    moved = triage.http.patch("/api/v1/catalog/services/wan-mati", headers=admin(triage),
                              json={"category": "Jaringan", "detail": "WAN"})
    assert moved.status_code == 200 and moved.json["category"] == "Jaringan"
    catalog = triage.http.get("/api/v1/catalog").json
    assert "WAN mati" in services_of(catalog, "Jaringan")
    assert "WAN mati" not in services_of(catalog, "Hardware")

    assert triage.http.delete("/api/v1/catalog/services/ram-kotor",
                              headers=admin(triage)).status_code == 204
    assert "RAM kotor" not in services_of(triage.http.get("/api/v1/catalog").json, "Hardware")
    listed = triage.http.get("/api/v1/catalog/services?include_inactive=true",
                             headers=admin(triage)).json
    assert {"code": "ram-kotor", "active": False}.items() <= next(
        s for s in listed if s["code"] == "ram-kotor").items()
    restored = triage.http.patch("/api/v1/catalog/services/ram-kotor", headers=admin(triage),
                                 json={"active": True})
    assert restored.json["active"] is True
    assert "RAM kotor" in services_of(triage.http.get("/api/v1/catalog").json, "Hardware")


def test_a_duplicate_service_is_a_conflict(triage):
    response = triage.http.post("/api/v1/catalog/services", headers=admin(triage), json={
        "category": "Jaringan", "detail": "Internet", "name": "Internet mati"})
    assert response.status_code == 409
    assert response.json["error"]["details"] == {"name": ["Already in category 'Jaringan'."]}
    renamed = triage.http.patch("/api/v1/catalog/services/internet-down",
                                headers=admin(triage), json={"name": "Internet mati"})
    assert renamed.status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({"detail": "X", "name": "Y"}, "category"),
    ({"category": " ", "detail": "X", "name": "Y"}, "category"),
    ({"category": "A" * 61, "detail": "X", "name": "Y"}, "category"),
    ({"category": "Data", "name": "Y"}, "detail"),
    ({"category": "Data", "detail": "X"}, "name"),
    ({"category": "Data", "detail": "X", "name": "Y", "code": "Not A Code"}, "code"),
    ({"category": "Data", "detail": "X", "name": "Y", "colour": "red"}, "colour"),
])
def test_a_bad_service_names_the_field(triage, body, field):
    response = triage.http.post("/api/v1/catalog/services", headers=admin(triage), json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]


def test_an_admin_chooses_the_categories_a_type_offers(triage):
    response = triage.http.put("/api/v1/catalog/types/service_request", headers=admin(triage),
                               json={"categories": ["Aplikasi", "Jaringan", "Data", "Hardware"]})
    assert response.status_code == 200
    types = triage.http.get("/api/v1/catalog").json["types"]
    assert next(t for t in types if t["code"] == "service_request")["categories"][-1] == \
        "Hardware"
    unknown = triage.http.put("/api/v1/catalog/types/problem", headers=admin(triage),
                              json={"categories": ["Data"]})
    assert unknown.status_code == 404
    empty = triage.http.put("/api/v1/catalog/types/other", headers=admin(triage),
                            json={"categories": []})
    assert empty.status_code == 422 and "categories" in empty.json["error"]["details"]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/v1/catalog/services", {"category": "Data", "detail": "D", "name": "N"}),
    ("patch", "/api/v1/catalog/services/wan-mati", {"active": False}),
    ("delete", "/api/v1/catalog/services/wan-mati", None),
    ("put", "/api/v1/catalog/types/other", {"categories": ["Lainnya"]}),
    ("put", "/api/v1/priority-matrix", {"high": {"high": 1, "medium": 1, "low": 1},
                                        "medium": {"high": 1, "medium": 1, "low": 1},
                                        "low": {"high": 1, "medium": 1, "low": 1}}),
])
def test_only_an_admin_edits_the_catalog_and_matrix(triage, method, path, body):
    call = getattr(triage.http, method)
    assert call(path, json=body).status_code == 401
    assert call(path, json=body, headers=triage.headers("operator1", "operator")
                ).status_code == 403
    assert triage.http.get("/api/v1/catalog").json["categories"][2]["details"][0][
        "services"] == [{"code": "wan-mati", "name": "WAN mati"}]


def test_an_admin_changes_the_priority_matrix(triage):
    assert triage.http.get("/api/v1/priority-matrix").json == {
        "high": {"high": 1, "medium": 1, "low": 2},
        "medium": {"high": 1, "medium": 2, "low": 3},
        "low": {"high": 2, "medium": 3, "low": 3}}
    stricter = {"high": {"high": 1, "medium": 1, "low": 1},
                "medium": {"high": 1, "medium": 2, "low": 2},
                "low": {"high": 2, "medium": 2, "low": 3}}
    response = triage.http.put("/api/v1/priority-matrix", headers=admin(triage), json=stricter)
    assert response.status_code == 200
    assert triage.http.get("/api/v1/priority-matrix").json == stricter


@pytest.mark.parametrize(("row", "field"), [
    ({"high": 2, "medium": 3, "low": 4}, "low.low"),
    ({"high": 2, "medium": 3}, "low.low"),
    ({"high": "2", "medium": 3, "low": 3}, "low.high"),
    ({"high": 2, "medium": 3, "low": 3, "trivial": 3}, "low.trivial"),
    ("3", "low"),
])
def test_a_broken_matrix_is_refused_naming_the_cell(triage, row, field):
    matrix = {"high": {"high": 1, "medium": 1, "low": 2},
              "medium": {"high": 1, "medium": 2, "low": 3}, "low": row}
    response = triage.http.put("/api/v1/priority-matrix", headers=admin(triage), json=matrix)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]
    assert triage.http.get("/api/v1/priority-matrix").json["low"] == {
        "high": 2, "medium": 3, "low": 3}
