"""The admin's catalog and routing screens in front of a fake triage/escalation: categories are
chosen from the catalog (a typo never creates one), and the categories a type offers alone
(Akses, Lainnya) can be routed to a group."""
from __future__ import annotations

import pytest

CATALOG = {
    "types": [{"code": "incident", "name": "Insiden", "categories": ["Hardware"]},
              {"code": "access_request", "name": "Permintaan Akses", "categories": ["Akses"]},
              {"code": "other", "name": "Lainnya", "categories": ["Lainnya"]}],
    "categories": [{"name": "Hardware", "details": [{"name": "Printer", "services": [
        {"code": "printer-macet", "name": "Printer macet"}]}]}],
}


@pytest.fixture
def admin(gateway, fake_service):
    fake_service.answers["GET /api/v1/catalog"] = lambda r: (200, CATALOG)
    fake_service.answers["POST /api/v1/catalog/services"] = lambda r: (201, {"code": "x"})
    fake_service.answers["PATCH /api/v1/catalog/services/printer-macet"] = \
        lambda r: (200, {"code": "printer-macet"})
    fake_service.answers["GET /api/v1/groups"] = lambda r: (200, [
        {"code": "network", "name": "Jaringan", "members": [], "categories": ["Hardware"]}])
    desk = gateway()
    token = desk.csrf("/staf/masuk")
    assert desk.http.post("/staf/masuk", data={
        "username": "admin", "password": desk.password, "csrf_token": token}).status_code == 302
    return desk


def test_the_category_is_picked_from_the_catalog(admin, fake_service):
    page = admin.http.get("/staf/admin/katalog").get_data(as_text=True)
    assert '<select id="new-category" name="category"' in page
    assert 'name="category" value=""' not in page  # no text box left
    for name in ("Hardware", "Akses", "Lainnya"):
        assert f'<option value="{name}">{name}</option>' in page


def test_a_category_not_in_the_catalog_never_reaches_triage(admin, fake_service):
    token = admin.csrf("/staf/admin/katalog")
    typo = admin.http.post("/staf/admin/katalog/layanan", data={
        "category": "Hardwre", "detail": "Printer", "name": "Printer rusak",
        "csrf_token": token}, follow_redirects=True)
    assert "Pilih kategori dari katalog" in typo.get_data(as_text=True)
    moved = admin.http.post("/staf/admin/katalog/layanan/printer-macet", data={
        "category": "Hardwre", "detail": "Printer", "csrf_token": token})
    assert moved.status_code == 302
    assert fake_service.calls("POST", "/api/v1/catalog/services") == []
    assert fake_service.calls("PATCH", "/api/v1/catalog/services/printer-macet") == []
    added = admin.http.post("/staf/admin/katalog/layanan", data={
        "category": "Akses", "detail": "Akun", "name": "Reset kata sandi", "csrf_token": token})
    assert added.status_code == 302
    assert fake_service.calls("POST", "/api/v1/catalog/services")[0]["json"] == {
        "category": "Akses", "detail": "Akun", "name": "Reset kata sandi"}


def test_akses_and_lainnya_can_be_routed_to_a_group(admin, fake_service):
    page = admin.http.get("/staf/admin/grup").get_data(as_text=True)
    for name in ("Hardware", "Akses", "Lainnya"):
        assert f'name="categories" value="{name}"' in page
