"""Accounts in the gateway's own database: login, demo accounts, the admin API, and
the identity the services receive."""
from gateway.adapters import GatewayUnitOfWork


def test_login_gives_a_bearer_token_and_services_receive_the_identity_the_gateway_signed(
        gateway, fake_service):
    gw = gateway()
    login = gw.http.post("/api/v1/auth/login",
                         json={"username": "tech-network-1", "password": gw.password})
    assert login.status_code == 200
    body = login.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 8 * 3600
    assert body["user"] == {"username": "tech-network-1", "role": "technician",
                            "group": "network", "name": "tech-network-1",
                            "email": "tech-network-1@example.invalid", "active": True}
    assert "password" not in str(body)
    fake_service.answers["GET /api/v1/groups"] = lambda r: (200, {"items": []})
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert gw.http.get("/api/v1/groups", headers=headers).status_code == 200
    identity = fake_service.calls("GET", "/api/v1/groups")[-1]["identity"]
    assert (identity.username, identity.role, identity.group) == (
        "tech-network-1", "technician", "network")


def test_an_identity_header_sent_from_outside_never_reaches_a_service(gateway, fake_service):
    gw = gateway()
    forged = {"X-Servicedesk-Identity": "admin-please"}
    gw.http.get("/api/v1/catalog", headers=forged)
    received = fake_service.calls("GET", "/api/v1/catalog")[-1]
    assert received["identity"] is None
    assert "X-Servicedesk-Identity" not in received["headers"]


def test_a_tampered_or_foreign_token_is_a_401_in_the_contract_shape(gateway):
    gw = gateway()
    token = gw.login("operator1")["Authorization"]
    for header in (token[:-3] + "abc", "Bearer not-a-token", "Basic b3BlcmF0b3Ix"):
        response = gw.http.get("/api/v1/auth/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"


def test_wrong_password_and_unknown_user_look_the_same(gateway):
    gw = gateway()
    wrong = gw.http.post("/api/v1/auth/login", json={"username": "operator1", "password": "x"})
    unknown = gw.http.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_login_attempts_are_rate_limited_per_address(gateway):
    gw = gateway(SERVICEDESK_LOGIN_BURST=3, SERVICEDESK_LOGIN_RATE=0.01)
    statuses = [gw.http.post("/api/v1/auth/login",
                             json={"username": "client1", "password": "wrong"}).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = gw.http.post("/api/v1/auth/login",
                           json={"username": "client1", "password": gw.password})
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"


def test_demo_accounts_exist_only_when_a_demo_password_is_set(gateway):
    gw = gateway(demo=False)
    with GatewayUnitOfWork(gw.app.extensions["servicedesk"].sessions,
                           producer="gateway") as uow:
        assert uow.users.all() == []
    response = gw.http.post("/api/v1/auth/login",
                            json={"username": "admin", "password": gw.password})
    assert response.status_code == 401


def test_admin_manages_accounts_through_the_api(gateway):
    gw = gateway()
    admin = gw.login("admin")
    created = gw.http.post("/api/v1/users", headers=admin, json={
        "username": "operator9", "password": "long-enough-pw", "role": "operator",
        "name": "Operator Sembilan", "email": "op9@example.com"})
    assert created.status_code == 201
    assert created.json["role"] == "operator" and "password" not in created.json
    again = gw.http.post("/api/v1/users", headers=admin, json={
        "username": "operator9", "password": "long-enough-pw", "role": "operator"})
    assert again.status_code == 409
    bad = gw.http.post("/api/v1/users", headers=admin, json={
        "username": "X", "password": "short", "role": "wizard"})
    assert bad.status_code == 422
    assert set(bad.json["error"]["details"]) == {"username", "password", "role"}
    page = gw.http.get("/api/v1/users?per_page=5&page=1", headers=admin).json
    assert page["total"] == 12 and len(page["items"]) == 5 and page["per_page"] == 5
    operators = gw.http.get("/api/v1/users?role=operator", headers=admin).json
    assert {u["username"] for u in operators["items"]} == {"operator1", "operator2", "operator9"}
    assert gw.http.get("/api/v1/users/operator9", headers=admin).json["name"] == \
        "Operator Sembilan"
    assert gw.http.get("/api/v1/users/nobody", headers=admin).status_code == 404


def test_deactivating_an_account_or_changing_its_role_applies_to_tokens_already_issued(
        gateway):
    gw = gateway(SERVICEDESK_ACCOUNT_RECHECK_SECONDS=0)
    admin = gw.login("admin")
    operator = gw.login("operator1")
    gw.http.patch("/api/v1/users/operator1", headers=admin, json={"role": "supervisor"})
    assert gw.http.get("/api/v1/auth/me", headers=operator).json["role"] == "supervisor"
    gw.http.patch("/api/v1/users/operator1", headers=admin, json={"active": False})
    assert gw.http.get("/api/v1/auth/me", headers=operator).status_code == 401
    login = gw.http.post("/api/v1/auth/login",
                         json={"username": "operator1", "password": gw.password})
    assert login.status_code == 401


def test_only_admins_manage_accounts(gateway):
    gw = gateway()
    assert gw.http.get("/api/v1/users").status_code == 401
    supervisor = gw.login("supervisor1")
    refused = gw.http.post("/api/v1/users", headers=supervisor, json={
        "username": "sneaky", "password": "long-enough-pw", "role": "admin"})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"
