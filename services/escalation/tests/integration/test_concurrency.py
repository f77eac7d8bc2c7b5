"""Two operators clicking at the same moment: one escalation per ticket, and the
least-loaded choice sees the other's assignment."""
from concurrent.futures import ThreadPoolExecutor


def in_parallel(desk, calls):
    def run(call):
        number, form = call
        client = desk.harness.app.test_client()
        return client.post(f"/api/v1/tickets/{number}/assign", headers=desk.headers("operator1"),
                           json={"diagnosis": "Sudah dicek.", "reason": "Level 2.", **form})
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_the_same_ticket_assigned_twice_at_once_is_escalated_once(desk):
    number = desk.ticket("Jaringan")
    responses = in_parallel(desk, [(number, {}), (number, {"group": "egov"})])
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(desk.events("ticket.assigned", number)) == 1
    assert desk.get(f"/api/v1/tickets/{number}/escalations").json["total"] == 1


def test_simultaneous_tickets_for_one_group_go_to_different_members(desk):
    numbers = [desk.ticket("Jaringan"), desk.ticket("Hardware")]
    responses = in_parallel(desk, [(number, {}) for number in numbers])
    assert [r.status_code for r in responses] == [201, 201]
    assert {r.json["assignee"] for r in responses} == {"tech-network-1", "tech-network-2"}
