"""Signing in and out (issue 15, points 3 and 4): failed logins make the next attempt wait
instead of locking the account, every failure looks the same, the count is exact under
parallel attempts; logout, a password change, a reset or a deactivation end every session."""
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from gateway.models import LoginFailure


def login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_failures_make_the_next_attempt_wait_and_the_right_password_works_after_the_wait(
        gateway):
    gw = gateway(SERVICEDESK_LOGIN_FREE_FAILURES=2, SERVICEDESK_LOGIN_DELAY_SECONDS=0.5,
                 SERVICEDESK_LOGIN_MAX_DELAY_SECONDS=0.5)
    assert login(gw.http, "operator2", "nope").status_code == 401
    assert login(gw.http, "operator2", "nope").status_code == 401
    waiting = login(gw.http, "operator2", gw.password)
    assert waiting.status_code == 429 and waiting.json["error"]["code"] == "rate_limited"
    assert waiting.headers["Retry-After"] == "1"
    for _ in range(4):  # five failures in all: once locked, now only ever a wait
        time.sleep(0.6)
        assert login(gw.http, "operator2", "nope").status_code == 401
    time.sleep(0.6)
    assert login(gw.http, "operator2", gw.password).status_code == 200


def test_every_failed_login_gets_the_same_answer_whether_the_account_exists_or_not(gateway):
    gw = gateway(SERVICEDESK_LOGIN_FREE_FAILURES=3, SERVICEDESK_LOGIN_DELAY_SECONDS=60)
    answers = {}
    for username in ("admin", "no-such-user"):
        answers[username] = [(r.status_code, r.json) for r in (
            login(gw.app.test_client(), username, "wrong") for _ in range(7))]
    assert answers["admin"] == answers["no-such-user"]
    assert [status for status, _ in answers["admin"]] == [401, 401, 401] + [429] * 4
    assert "account_locked" not in str(answers)


def test_twelve_parallel_wrong_passwords_count_twelve(gateway):
    # twelve threads in one process (gunicorn runs four): a pool to match, two connections each
    gw = gateway(SERVICEDESK_LOGIN_FREE_FAILURES=12, SERVICEDESK_LOGIN_DELAY_SECONDS=60,
                 SERVICEDESK_DB_POOL_SIZE=12, SERVICEDESK_DB_MAX_OVERFLOW=12)
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(lambda _: login(gw.app.test_client(), "operator1",
                                                 "wrong").status_code, range(12)))
    assert statuses == [401] * 12
    with gw.app.extensions["servicedesk"].engine.connect() as conn:
        counted = conn.execute(select(LoginFailure.failures).where(
            LoginFailure.key == "account:operator1")).scalar_one()
    assert counted == 12
    assert login(gw.http, "operator1", gw.password).status_code == 429  # the twelfth counted


def test_logout_ends_the_token_and_every_other_session_of_the_account(gateway):
    gw = gateway()
    first, second = gw.login("operator1"), gw.login("operator1")
    assert gw.http.get("/api/v1/auth/me", headers=first).status_code == 200
    assert gw.http.post("/api/v1/auth/logout", headers=first).status_code == 204
    for token in (first, second):
        refused = gw.http.get("/api/v1/auth/me", headers=token)
        assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"
    assert gw.http.post("/api/v1/auth/logout").status_code == 401
    assert gw.http.get("/api/v1/auth/me", headers=gw.login("operator1")).status_code == 200


def test_users_change_their_own_password_and_old_tokens_stop_working(gateway):
    gw = gateway()
    old = gw.login("tech-egov-1")
    wrong = gw.http.post("/api/v1/auth/password", headers=old, json={
        "old_password": "not-it", "new_password": "a-brand-new-password"})
    assert wrong.status_code == 422 and "old_password" in wrong.json["error"]["details"]
    short = gw.http.post("/api/v1/auth/password", headers=old, json={
        "old_password": gw.password, "new_password": "short"})
    assert short.status_code == 422 and "new_password" in short.json["error"]["details"]
    changed = gw.http.post("/api/v1/auth/password", headers=old, json={
        "old_password": gw.password, "new_password": "a-brand-new-password"})
    assert changed.status_code == 200
    assert gw.http.get("/api/v1/auth/me", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {changed.json['access_token']}"}
    assert gw.http.get("/api/v1/auth/me", headers=new).json["username"] == "tech-egov-1"
    assert login(gw.http, "tech-egov-1", gw.password).status_code == 401
    assert login(gw.http, "tech-egov-1", "a-brand-new-password").status_code == 200


def test_an_admin_reset_or_a_deactivation_ends_every_session_at_once(gateway):
    gw = gateway()  # the default account check: no cached answer to wait out
    admin = gw.login("admin")
    operator = gw.login("operator1")
    gw.http.patch("/api/v1/users/operator1", headers=admin, json={"password": "reset-by-admin"})
    assert gw.http.get("/api/v1/auth/me", headers=operator).status_code == 401
    client = gw.login("client1")
    gw.http.patch("/api/v1/users/client1", headers=admin, json={"active": False})
    gw.http.patch("/api/v1/users/client1", headers=admin, json={"active": True})
    assert gw.http.get("/api/v1/auth/me", headers=client).status_code == 401
    assert gw.http.get("/api/v1/auth/me", headers=gw.login("client1")).status_code == 200


def console_login(gw, client, username):
    form = {"username": username, "password": gw.password, "csrf_token": gw.csrf("/staf/masuk")}
    response = client.post("/staf/masuk", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_console_cookie_saved_before_logout_stops_working(gateway):
    gw = gateway()
    console_login(gw, gw.http, "operator1")
    saved = gw.http.get_cookie("sd_session").value
    assert gw.http.get("/staf/masuk").status_code == 302  # signed in: sent on to the console
    with gw.http.session_transaction() as session:
        csrf = session.setdefault("csrf", "csrf-token-for-logout")
    assert gw.http.post("/staf/keluar", data={"csrf_token": csrf}).status_code == 302
    thief = gw.app.test_client()
    thief.set_cookie("sd_session", saved)
    assert thief.get("/staf/masuk").status_code == 200  # the login form: not signed in
    assert thief.get("/staf/tiket").status_code == 302
