"""The knowledge base through the gateway: the help center /bantuan as a citizen uses it (search
in everyday Indonesian, an article, "Apakah artikel ini membantu?"), and the desk's side of it
(FRM-003 articles, suggestions at initial diagnosis fed by intake's events, a suggestion marked
used showing in the ticket's history, a solved ticket suggested for a similar one and turned
into a draft, the KPI)."""
import re
from datetime import UTC, datetime, timedelta

import requests


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_citizen_finds_reads_and_rates_an_article_in_the_help_center(stack, anonymous):
    km = stack.client("km1")
    home = anonymous.get("/bantuan")
    assert home.status_code == 200 and '<html lang="id">' in home.text
    assert "Pusat Bantuan" in home.text and "Komputer hang" in home.text
    assert home.headers["Content-Type"].startswith("text/html")

    found = anonymous.get("/bantuan", params={"q": "pc sy ngelag trs, kyk macet"})
    assert found.status_code == 200 and "untuk “pc sy ngelag trs, kyk macet”" in found.text
    first = re.search(r'<ol class="article-list" id="hasil-pencarian">\s*<li>\s*'
                      r'<a href="(/bantuan/artikel/(\d+))"><strong>([^<]+)</strong>',
                      found.text)
    assert first, found.text[:2000]
    link, article_id, title = first.group(1), int(first.group(2)), first.group(3)
    assert "hang" in title.lower()
    nothing = anonymous.get("/bantuan", params={"q": "yang dan di"})
    assert nothing.status_code == 200 and "Tidak ada artikel" in nothing.text

    page = anonymous.get(link)
    assert page.status_code == 200
    assert "Gejala" in page.text and "Solusi" in page.text
    assert "Apakah artikel ini membantu?" in page.text
    before = anonymous.get(f"/api/v1/kb/articles/{article_id}").json()["helpful"]
    voted = anonymous.post(f"{link}/membantu", allow_redirects=False,
                           data={"membantu": "ya", "csrf_token": csrf_of(page.text)})
    assert voted.status_code == 303 and voted.headers["Location"].endswith("#umpan-balik")
    thanked = anonymous.get(link)
    assert "Terima kasih atas masukan Anda." in thanked.text
    assert 'value="ya"' not in thanked.text  # one vote per article per browser
    again = anonymous.post(f"{link}/membantu", allow_redirects=False,
                           data={"membantu": "ya", "csrf_token": csrf_of(page.text)})
    assert again.status_code == 303
    after = anonymous.get(f"/api/v1/kb/articles/{article_id}").json()["helpful"]
    assert after == {"yes": before["yes"] + 1, "no": before["no"]}
    stranger = requests.post(stack.url(f"{link}/membantu"), data={"membantu": "ya"},
                             timeout=10)
    assert stranger.status_code == 400  # no CSRF token: refused, not counted
    assert anonymous.get(f"/api/v1/kb/articles/{article_id}").json()["helpful"] == after

    draft = km.post("/api/v1/kb/articles", json={
        "title": "Draf rahasia tentang proyektor", "category": "Hardware",
        "symptoms": "Proyektor berkedip.", "solution": "Ganti kabel."}).json()
    assert draft["status"] == "draft"
    assert anonymous.get(f"/bantuan/artikel/{draft['id']}").status_code == 404
    assert "Draf rahasia" not in anonymous.get("/bantuan", params={"q": "proyektor"}).text
    missing = anonymous.get("/bantuan/artikel/999999")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.text


def test_knowledge_at_initial_diagnosis_from_article_to_kpi(stack, operator):
    km, supervisor = stack.client("km1"), stack.client("supervisor1")
    article = km.post("/api/v1/kb/articles", json={
        "title": "Mesin antrean loket tidak mencetak nomor", "category": "Hardware",
        "service": "Komputer rusak", "symptoms": "Tombol ditekan tetapi karcis tidak keluar.",
        "solution": "1. Buka penutup printer thermal.\n2. Pasang ulang gulungan kertas.",
        "keywords": ["mesin antrean", "karcis", "printer thermal"], "status": "published"})
    assert article.status_code == 201, article.text
    article = article.json()
    assert operator.post("/api/v1/kb/articles", json={
        "title": "Tidak boleh terbit", "category": "Data", "symptoms": "x", "solution": "y",
        "status": "published"}).status_code == 403

    number = operator.post("/api/v1/tickets", json={
        "title": "Mesin antrean di loket 2 gak keluar karcisnya", "category": "Hardware",
        "body": "Warga sudah antre, karcis nomor antrean tidak tercetak.", "channel": "phone",
        "guest_email": "loket2@example.com"}).json()["number"]
    suggested = operator.eventually(
        f"/api/v1/kb/suggest?ticket={number}", lambda body: bool(body.get("articles")))
    assert suggested["articles"][0]["id"] == article["id"]
    assert suggested["articles"][0]["solution"].startswith("1. Buka penutup")
    assert stack.client().get(f"/api/v1/kb/suggest?ticket={number}").status_code == 401

    used = operator.post(f"/api/v1/kb/articles/{article['id']}/used", json={"ticket": number})
    assert used.status_code == 201, used.text
    history = operator.eventually(
        f"/api/v1/tickets/{number}/history",
        lambda items: any(h["what"] == "knowledge_used" for h in items))
    entry = next(h for h in history if h["what"] == "knowledge_used")
    assert entry["by"] == "operator1" and entry["source"] == "knowledge"

    assert operator.patch(f"/api/v1/tickets/{number}", json={
        "status": "in_progress", "service": "Komputer rusak", "urgency": "medium",
        "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close", json={
        "resolution": "Gulungan kertas thermal dipasang ulang, karcis keluar lagi."})
    assert closed.status_code == 200, closed.text
    similar = operator.eventually(
        "/api/v1/kb/suggest?text=karcis+antrean+tidak+tercetak+di+loket",
        lambda body: number in [t["number"] for t in body.get("tickets", [])])
    solved = next(t for t in similar["tickets"] if t["number"] == number)
    assert solved["solution"].startswith("Gulungan kertas thermal")

    draft = operator.post("/api/v1/kb/articles/from-ticket", json={"ticket": number})
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft" and draft.json()["source_ticket"] == number
    assert draft.json()["solution"].startswith("Gulungan kertas thermal")

    today = datetime.now(UTC).date()
    kpi = supervisor.get("/api/v1/kb/kpi", params={
        "from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()})
    assert kpi.status_code == 200, kpi.text
    known = kpi.json()["known_at_diagnosis"]
    assert known["count"] >= 1 and known["of"] >= known["count"]
    assert operator.get("/api/v1/kb/kpi").status_code == 403
    assert supervisor.get("/api/v1/kb/kpi", params={"from": "kemarin"}).status_code == 422
    report = supervisor.get("/api/v1/reports/kpi")
    assert report.status_code == 200
    indicator = report.json()["indicators"]["solution_known_at_diagnosis"]
    assert indicator["value"] >= 1 and indicator["counts"]["by_source"]["article"] >= 1
