"""Staff sign in with the office directory's account (a real slapd): roles from groups, local
accounts first, the same 401 and login delay, a 503 when the directory is down."""
import pytest

from gateway.adapters import GatewayUnitOfWork
from servicedesk_common.slapd import GROUPS


@pytest.fixture
def office(slapd):
    """A directory with an operator (budi), a network technician (sari), a person in no desk
    group (joko), and `operator1`, a name that is a local demo account too."""
    budi = slapd.add_user("budi", "budi-directory-pw", name="Budi Santoso")
    sari = slapd.add_user("sari", "sari-directory-pw")
    slapd.add_user("joko", "joko-directory-pw")
    slapd.add_user("operator1", "directory-not-local")
    slapd.add_group("desk-operators", budi)
    slapd.add_group("net-techs", sari)
    slapd.add_group("everyone", budi, sari)
    slapd.people = {"budi": budi, "sari": sari}
    return slapd


@pytest.fixture
def desk(gateway, office):
    roles = (f"operator=cn=desk-operators,{GROUPS};technician:network=cn=net-techs,{GROUPS}")
    return gateway(**office.settings(roles))


def log_in(gw, username, password):
    return gw.http.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_a_directory_operator_signs_in_as_operator_and_gets_an_account_row(desk):
    answer = log_in(desk, "budi", "budi-directory-pw")
    assert answer.status_code == 200, answer.json
    assert answer.json["user"] == {"username": "budi", "role": "operator", "group": None,
                                   "name": "Budi Santoso", "email": "budi@office.example",
                                   "active": True}
    me = desk.http.get("/api/v1/auth/me",
                       headers={"Authorization": f"Bearer {answer.json['access_token']}"})
    assert me.status_code == 200 and me.json["role"] == "operator"
    tech = log_in(desk, "sari", "sari-directory-pw")
    assert (tech.json["user"]["role"], tech.json["user"]["group"]) == ("technician", "network")
    assert log_in(desk, "BUDI", "budi-directory-pw").json["user"]["username"] == "budi"
    with GatewayUnitOfWork(desk.app.extensions["servicedesk"].sessions,
                           producer="gateway") as uow:
        assert [u.username for u in uow.users.all() if u.role == "operator"] == [
            "budi", "operator1", "operator2"]


def test_a_wrong_directory_password_is_the_same_401_as_a_local_one(desk):
    directory = log_in(desk, "budi", "wrong")
    local = log_in(desk, "operator2", "wrong")
    unknown = log_in(desk, "nobody-at-all", "wrong")
    assert directory.status_code == local.status_code == unknown.status_code == 401
    assert directory.json == local.json == unknown.json


def test_repeated_wrong_directory_passwords_meet_the_login_delay(gateway, office):
    roles = f"operator=cn=desk-operators,{GROUPS}"
    gw = gateway(SERVICEDESK_LOGIN_FREE_FAILURES=2, SERVICEDESK_LOGIN_DELAY_SECONDS=60,
                 **office.settings(roles))
    statuses = [log_in(gw, "budi", "wrong").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert log_in(gw, "budi", "budi-directory-pw").status_code == 429


def test_a_person_moved_out_of_the_group_is_refused_next_time_and_their_token_ends(desk, office):
    first = log_in(desk, "budi", "budi-directory-pw")
    token = {"Authorization": f"Bearer {first.json['access_token']}"}
    office.remove_member(f"cn=desk-operators,{GROUPS}", office.people["budi"])
    refused = log_in(desk, "budi", "budi-directory-pw")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"
    assert desk.http.get("/api/v1/auth/me", headers=token).status_code == 401
    assert log_in(desk, "joko", "joko-directory-pw").status_code == 403  # never in one


def test_the_role_follows_the_groups_at_each_sign_in(desk, office):
    assert log_in(desk, "sari", "sari-directory-pw").json["user"]["role"] == "technician"
    office.remove_member(f"cn=net-techs,{GROUPS}", office.people["sari"])
    office.add_member(f"cn=desk-operators,{GROUPS}", office.people["sari"])
    again = log_in(desk, "sari", "sari-directory-pw")
    assert (again.json["user"]["role"], again.json["user"]["group"]) == ("operator", None)


def test_local_accounts_still_sign_in_and_a_local_account_of_the_same_name_wins(desk):
    assert log_in(desk, "operator2", desk.password).status_code == 200
    assert log_in(desk, "operator1", desk.password).json["user"]["role"] == "operator"
    assert log_in(desk, "operator1", "directory-not-local").status_code == 401


def test_with_the_directory_down_local_accounts_work_and_directory_sign_in_is_a_503(
        desk, office):
    office.stop()
    down = log_in(desk, "budi", "budi-directory-pw")
    assert down.status_code == 503
    assert down.json["error"]["code"] == "service_unavailable"
    assert log_in(desk, "admin", desk.password).status_code == 200


def test_the_console_signs_a_directory_operator_in(desk):
    csrf = desk.csrf("/staf/masuk")
    answer = desk.http.post("/staf/masuk", data={"username": "budi",
                                                 "password": "budi-directory-pw",
                                                 "csrf_token": csrf})
    assert answer.status_code == 302


def test_an_admin_deactivated_directory_account_stays_out(desk):
    assert log_in(desk, "budi", "budi-directory-pw").status_code == 200
    admin = desk.login("admin")
    assert desk.http.patch("/api/v1/users/budi", headers=admin,
                           json={"active": False}).status_code == 200
    assert log_in(desk, "budi", "budi-directory-pw").status_code == 401


def test_the_console_says_when_the_directory_is_down(desk, office):
    office.stop()
    csrf = desk.csrf("/staf/masuk")
    answer = desk.http.post("/staf/masuk", data={"username": "budi",
                                                 "password": "budi-directory-pw",
                                                 "csrf_token": csrf})
    assert answer.status_code == 503
    assert "Direktori kantor sedang tidak menjawab" in answer.get_data(as_text=True)


def test_over_ldaps_the_directory_certificate_must_be_trusted(gateway):
    from servicedesk_common.slapd import Slapd

    secure = Slapd(tls=True).start()
    try:
        budi = secure.add_user("budi", "budi-directory-pw")
        secure.add_group("desk-operators", budi)
        settings = {**secure.settings(f"operator=cn=desk-operators,{GROUPS}"),
                    "SERVICEDESK_LDAP_URL": secure.tls_url}
        untrusted = gateway(**settings)
        assert log_in(untrusted, "budi", "budi-directory-pw").status_code == 503
        trusted = gateway(SERVICEDESK_LDAP_CA_FILE=secure.ca_file, **settings)
        assert log_in(trusted, "budi", "budi-directory-pw").json["user"]["role"] == "operator"
    finally:
        secure.remove()


def test_simultaneous_first_sign_ins_of_one_person_all_succeed_with_one_account(desk):
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        client = desk.app.test_client()
        return client.post("/api/v1/auth/login", json={"username": "budi",
                                                       "password": "budi-directory-pw"})

    with ThreadPoolExecutor(6) as pool:
        statuses = [answer.status_code for answer in pool.map(one, range(6))]
    assert statuses == [200] * 6
    with GatewayUnitOfWork(desk.app.extensions["servicedesk"].sessions,
                           producer="gateway") as uow:
        assert [u.username for u in uow.users.all()].count("budi") == 1
