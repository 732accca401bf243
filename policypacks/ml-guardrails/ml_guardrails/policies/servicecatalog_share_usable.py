"""servicecatalog-share-usable: a shared Service Catalog portfolio reaches its users.

An ``ACCOUNT`` share waits until someone in the recipient account accepts it, and no
Pulumi resource accepts shares, so the product never appears. Organizational shares
(``ORGANIZATION``, ``ORGANIZATIONAL_UNIT``, ``ORGANIZATION_MEMBER_ACCOUNT``) are accepted
automatically, but a recipient's users see the portfolio only through a principal
association in their account: with ``share_principals`` the owner's ``IAM_PATTERN``
associations travel with the share, and a portfolio takes at most 10 of them
(AssociatePrincipalWithPortfolio, AWS Service Catalog API reference).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import as_int, int_prop, is_unknown, mandatory_stack_policy, policy_config, violation
from ..graph import Res, StackView
from ..tokens import TypeToken
from ._coverage import applicable_view

NAME = "servicecatalog-share-usable"
ORGANIZATIONAL_SHARES = ("ORGANIZATION", "ORGANIZATIONAL_UNIT", "ORGANIZATION_MEMBER_ACCOUNT")
REMEDIATION = (
    "Share with type ORGANIZATION_MEMBER_ACCOUNT (or ORGANIZATIONAL_UNIT / ORGANIZATION) and share_principals=True, "
    "from the management account or the Service Catalog delegated administrator with organizations access enabled "
    "(servicecatalog.OrganizationsAccess), and associate the recipients' roles with the portfolio as IAM_PATTERN "
    "principals (servicecatalog.PrincipalPortfolioAssociation, e.g. "
    "'arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_<permission set>_*'), at most 10."
)
SCHEMA = PolicyConfigSchema(
    properties={"maxPatternPrincipals": int_prop("IAM_PATTERN principal associations a portfolio may have.", 10, 1)}
)


def _portfolio(view: StackView, res: Res) -> Any:
    found = view.refs(res, "portfolioId", TypeToken.SERVICECATALOG_PORTFOLIO)
    return None if found is None else (found[0] if found else res.get("portfolioId"))


def _key(portfolio: Any) -> Any:
    return portfolio.urn if isinstance(portfolio, Res) else portfolio


def pattern_associations(view: StackView) -> dict[Any, list[Res]]:
    """IAM_PATTERN associations per portfolio (its URN, or its id when outside the stack)."""
    found: dict[Any, list[Res]] = {}
    for association in view.of_type(TypeToken.SERVICECATALOG_PRINCIPAL_ASSOCIATION):
        portfolio = _portfolio(view, association)
        if portfolio is not None and association.get("principalType") == "IAM_PATTERN":
            found.setdefault(_key(portfolio), []).append(association)
    return found


def validate(args, report_violation) -> None:
    view = applicable_view(args, (TypeToken.SERVICECATALOG_PORTFOLIO_SHARE, TypeToken.SERVICECATALOG_PRINCIPAL_ASSOCIATION))
    limit = as_int(policy_config(args, SCHEMA)["maxPatternPrincipals"])
    patterns = pattern_associations(view)
    for share in view.of_type(TypeToken.SERVICECATALOG_PORTFOLIO_SHARE):
        kind, principal = share.get("type"), share.get("principalId")
        recipient = principal if isinstance(principal, str) else share.name
        if is_unknown(kind):
            continue
        if kind not in ORGANIZATIONAL_SHARES:
            report_violation(violation(
                f"portfolio share '{share.name}' to '{recipient}' has type {kind}: it waits for acceptance in the "
                "recipient account, which nothing in the stack gives, so the products never appear there.",
                "Use type ORGANIZATION_MEMBER_ACCOUNT (or ORGANIZATIONAL_UNIT / ORGANIZATION) from the Service Catalog "
                "delegated administrator, with organizations access enabled."), share.urn)
            continue
        shares_principals = share.get("sharePrincipals")
        if not is_unknown(shares_principals) and shares_principals is not True:
            report_violation(violation(
                f"portfolio share '{share.name}' to '{recipient}' does not share principals: users of the recipient "
                "account are associated with nothing and see no product.",
                "Set share_principals=True and associate IAM_PATTERN principals with the portfolio."), share.urn)
            continue
        portfolio = _portfolio(view, share)
        if portfolio is not None and not is_unknown(portfolio) and not patterns.get(_key(portfolio)):
            report_violation(violation(
                f"portfolio share '{share.name}' to '{recipient}' shares principals, but the portfolio has no IAM_PATTERN "
                "principal association: nobody in the recipient account may launch its products.",
                "Add servicecatalog.PrincipalPortfolioAssociation(principal_type='IAM_PATTERN', principal_arn="
                "'arn:aws:iam:::role/<path>/<role name pattern>') for the roles that launch products."), share.urn)
    for associations in patterns.values():
        if len(associations) > limit:
            report_violation(violation(
                f"a portfolio has {len(associations)} IAM_PATTERN principal associations; Service Catalog allows {limit}.",
                "Merge patterns with wildcards (one pattern can match several roles)."), associations[limit].urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="Service Catalog portfolio shares are organizational (accepted automatically), share principals, and the portfolio has IAM_PATTERN principal associations (at most 10).",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
