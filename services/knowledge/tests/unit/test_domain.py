"""Article rules: who may create, edit and move an article; drafts from tickets."""
import pytest

from knowledge import domain
from servicedesk_common.identity import Identity

KM = Identity("km1", "knowledge_manager")
OPERATOR = Identity("operator1", "operator")
OTHER = Identity("operator2", "operator")


def test_staff_propose_drafts_and_only_the_knowledge_manager_publishes():
    domain.check_create(OPERATOR, "draft")
    domain.check_create(KM, "draft")
    domain.check_create(KM, "published")
    with pytest.raises(domain.Refused, match="draft"):
        domain.check_create(OPERATOR, "published")
    with pytest.raises(domain.NotAllowed):
        domain.check_create(KM, "archived")


@pytest.mark.parametrize("start", domain.STATUSES)
@pytest.mark.parametrize("end", domain.STATUSES)
def test_the_knowledge_manager_moves_an_article_between_any_two_states(start, end):
    domain.check_edit(KM, status=start, created_by="operator1", changes={"status": end})


def test_an_author_edits_the_text_of_their_own_draft_only():
    domain.check_edit(OPERATOR, status="draft", created_by="operator1",
                      changes={"solution": "baru", "status": "draft"})
    with pytest.raises(domain.Refused):
        domain.check_edit(OTHER, status="draft", created_by="operator1",
                          changes={"solution": "baru"})
    with pytest.raises(domain.Refused):
        domain.check_edit(OPERATOR, status="published", created_by="operator1",
                          changes={"solution": "baru"})
    with pytest.raises(domain.Refused, match="knowledge manager"):
        domain.check_edit(OPERATOR, status="draft", created_by="operator1",
                          changes={"status": "published"})


def test_keywords_are_trimmed_without_blanks_or_repeats():
    assert domain.clean_keywords([" VPN ", "vpn", "", "  remote  access ", "Remote Access"]) \
        == ["VPN", "remote access"]
    assert domain.clean_keywords(None) == []


def test_only_real_changes_count():
    current = {"title": "A", "keywords": ["x"], "status": "draft"}
    assert domain.content_changes(current, {"title": "A", "keywords": ["x"]}) == {}
    assert domain.content_changes(current, {"title": "B", "status": "draft", "nope": 1}) == {
        "title": "B"}


def test_slug_is_ascii_and_never_empty():
    assert domain.slugify("Komputer  lambat — café!") == "komputer-lambat-cafe"
    assert domain.slugify("!!!") == "artikel"


def test_a_solved_ticket_drafts_its_frm003_fields():
    draft = domain.draft_from_ticket({
        "number": "INC-2026-000001", "title": "Printer di ruang 2 tdk bisa ngeprint",
        "body": "Dokumen nyangkut di antrean.", "category": None, "service": "Komputer rusak",
        "solution": "Restart spooler."})
    assert draft["title"] == "Printer di ruang 2 tdk bisa ngeprint"
    assert draft["category"] == "Lainnya" and draft["service"] == "Komputer rusak"
    assert draft["symptoms"] == "Dokumen nyangkut di antrean."
    assert draft["solution"] == "Restart spooler."
    assert draft["keywords"] == ["printer", "ruang", "tidak", "ngeprint", "komputer", "rusak"]
