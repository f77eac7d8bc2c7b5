"""Which group "Ambil" takes a ticket into."""
from escalation.domain import take_group


def test_the_tickets_own_group_or_the_categorys_when_a_member_of_it():
    assert take_group(current_group="egov", category_group="network",
                      my_groups={"egov", "network"}) == ("egov", None)
    assert take_group(current_group=None, category_group="network",
                      my_groups={"egov", "network"}) == ("network", None)


def test_else_the_only_group_before_escalation_and_never_another_groups_ticket():
    assert take_group(current_group=None, category_group="network",
                      my_groups={"webapi"}) == ("webapi", None)
    code, refusal = take_group(current_group="egov", category_group=None,
                               my_groups={"webapi"})
    assert code is None and "not a member of it" in refusal
    code, refusal = take_group(current_group=None, category_group=None,
                               my_groups={"webapi", "egov"})
    assert code is None and "several groups" in refusal
    assert take_group(current_group=None, category_group="egov", my_groups=set())[0] is None
