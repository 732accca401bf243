"""compare() and the policy normalisation, without AWS."""

from __future__ import annotations

import pytest

from mlgov.drift.compare import compare, policy_difference
from mlgov.drift.live import LiveOrg
from mlgov.engine.org_view import AccountNode, OrgView, OuNode

DOC = '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"x:*","Resource":"*"}]}'


@pytest.mark.parametrize(
    ("live_doc", "expected"),
    [
        ('{"Statement": {"Resource": "*", "Action": "x:*", "Effect": "Deny", "Sid": "A"},\n "Version": "2012-10-17"}', None),
        ('{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"x:*","Resource":"*"}]}', "statements changed: A"),
        ('{"Version":"2008-10-17","Statement":[]}', "top-level Version differ; planned statements missing live: A"),
        ('{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"x:*","Resource":"*"},{"Effect":"Deny","Action":"y:*","Resource":"*"}]}',
         "live statements not in the plan: #2"),
        ("not json", "the live content is not valid JSON"),
    ],
)
def test_policy_difference(live_doc, expected):
    assert policy_difference(DOC, live_doc) == expected


def test_reordered_statements_are_named():
    two = '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"a:*","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*"}]}'
    swapped = '{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"a:*","Resource":"*"}]}'
    assert policy_difference(two, swapped) == "same statements in a different order"


def _planned() -> OrgView:
    view = OrgView(root_id="r-plan")
    view.ous["ou-p-a"] = OuNode("ou-p-a", "Workloads", "r-plan", "", "")
    view.ous["ou-p-b"] = OuNode("ou-p-b", "Dev", "ou-p-a", "", "")
    view.ous["ou-p-c"] = OuNode("ou-p-c", "Team", "ou-p-b", "", "")
    view.accounts["111"] = AccountNode("111", "One", "one@example.com", "ou-p-c", "")
    return view


def _live(dev_parent: str) -> LiveOrg:
    """The planned tree live, with Dev under ``dev_parent`` and the account One in Team."""
    live = LiveOrg(root_id="r-live", management_account_id="999")
    live.ous["ou-l-a"] = OuNode("ou-l-a", "Workloads", "r-live", "", "")
    live.ous["ou-l-b"] = OuNode("ou-l-b", "Dev", dev_parent, "", "")
    live.ous["ou-l-c"] = OuNode("ou-l-c", "Team", "ou-l-b", "", "")
    live.accounts["222"] = AccountNode("222", "One", "ONE@example.com", "ou-l-c", "")
    return live


def test_moved_ou_keeps_its_subtree():
    """Dev found under the root: Dev is moved; Team and its account, below it, are in place."""
    live = _live(dev_parent="r-live")
    live.accounts["999"] = AccountNode("999", "mgmt", "mgmt@example.com", "r-live", "")
    drift = compare(_planned(), live)
    assert [(d.kind, d.subject, d.detail) for d in drift] == [
        ("moved-ou", "Workloads/Dev", "planned under Workloads, live under Root"),
    ]


def test_same_name_elsewhere_is_not_taken_when_in_place_exists():
    live = LiveOrg(root_id="r-live")
    live.ous["ou-l-a"] = OuNode("ou-l-a", "Workloads", "r-live", "", "")
    live.ous["ou-l-b"] = OuNode("ou-l-b", "Dev", "ou-l-a", "", "")
    live.ous["ou-l-x"] = OuNode("ou-l-x", "Team", "r-live", "", "")  # a stray Team at the root
    live.ous["ou-l-c"] = OuNode("ou-l-c", "Team", "ou-l-b", "", "")
    live.accounts["222"] = AccountNode("222", "One", "one@example.com", "ou-l-c", "")
    drift = compare(_planned(), live)
    assert [(d.kind, d.subject) for d in drift] == [("extra-ou", "Team")]


def test_accounts_vended_by_other_stacks_are_not_extra():
    """A project account the environment stacks create is the organization's, not drift of the org stack."""
    from mlgov.drift.compare import compare_report

    live = _live(dev_parent="ou-l-a")
    live.accounts["333"] = AccountNode("333", "churn-dev", "aws+churn-dev@example.com", "ou-l-b", "")
    unknown = compare_report(_planned(), live)
    assert [(item.kind, item.subject) for item in unknown.drift] == [("extra-account", "churn-dev <aws+churn-dev@example.com>")]
    vended = compare_report(_planned(), live, vended_emails=["AWS+churn-dev@example.com"])
    assert vended.drift == [] and any("vended by another stack" in note for note in vended.notes)
