"""account-creation-concurrency: at most five accounts can be created at once.

The engine creates resources as soon as their dependencies are done, so accounts with
no dependency path between them are created concurrently. Each account gets a wave:
1 + the highest wave among the accounts it (transitively) depends on. Accounts in the
same wave have no path between them; a wave wider than the limit is a violation
(CreateAccount's 6th concurrent call fails with ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED,
which the provider does not retry).
"""

from __future__ import annotations

import sys
from collections import defaultdict

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import as_int, int_prop, mandatory_stack_policy, policy_config, violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "account-creation-concurrency"
REMEDIATION = (
    "Create accounts in waves of at most 5: give each account of a later wave depends_on the "
    "accounts of the previous wave (mlgov does this from the stack config)."
)
SCHEMA = PolicyConfigSchema(
    properties={"maxConcurrentCreations": int_prop("CreateAccount calls AWS allows in progress at once.", 5, 1)}
)


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    accounts = view.of_type(TypeToken.ACCOUNT)
    if not accounts:
        args.not_applicable("no accounts in this stack")
    limit = as_int(policy_config(args, SCHEMA)["maxConcurrentCreations"])
    memo: dict[str, int] = {}

    def edges(urn: str) -> set[str]:
        res = view.by_urn[urn]
        deps = set(res.dependencies)
        for urns in res.property_dependencies.values():
            deps.update(urns)
        return {d for d in deps if d in view.by_urn and d != urn}

    def accounts_on_longest_path(urn: str, stack: frozenset[str]) -> int:
        """Accounts on the longest dependency path ending at urn (urn included)."""
        if urn in memo:
            return memo[urn]
        if urn in stack:  # cycles cannot happen in a real graph; do not loop on bad input
            return 0
        best = max((accounts_on_longest_path(d, stack | {urn}) for d in edges(urn)), default=0)
        memo[urn] = best + (1 if view.by_urn[urn].type == TypeToken.ACCOUNT else 0)
        return memo[urn]

    limit_before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit_before, 10 * len(view.resources) + 100))
    try:
        waves: dict[int, list] = defaultdict(list)
        for acct in accounts:
            waves[accounts_on_longest_path(acct.urn, frozenset())].append(acct)
    finally:
        sys.setrecursionlimit(limit_before)
    for wave, members in sorted(waves.items()):
        if len(members) > limit:
            names = ", ".join(str(m.get("name") or m.name) for m in members)
            report_violation(violation(
                f"{len(members)} accounts would be created at the same time in wave {wave} ({names}); "
                f"AWS allows {limit}.",
                "Chain the accounts with depends_on so no wave holds more than the limit."), members[limit].urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="No more than 5 accounts are created concurrently (accounts with no dependency path between them).",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
