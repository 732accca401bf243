"""The account's monthly cost budget, and in sandboxes a hard stop for new SageMaker spend.

The spend-limit action is APPLY_IAM_POLICY: when actual spend reaches 100% of the
limit, AWS Budgets attaches a managed policy that denies creating or starting
SageMaker work to the project's roles, automatically (no approval). It stops *new*
spend; running apps and jobs keep running until they end or someone stops them
(RUN_SSM_DOCUMENTS can stop only EC2 and RDS instances, not SageMaker).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document, role_arn, service_trust
from components.naming import child_name

ALERT_ACTUAL_PERCENT = 80
"""Email when actual spend passes this share of the limit."""
ALERT_FORECAST_PERCENT = 100
"""Email when the month's forecast passes the limit."""
ACTION_ACTUAL_PERCENT = 100
"""The spend-limit action fires when actual spend reaches this share of the limit."""
MAX_EMAIL_SUBSCRIBERS = 10
"""AWS Budgets allows at most 10 email subscribers per notification."""

DENIED_SAGEMAKER_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateApp",
    "sagemaker:CreateSpace",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:StartNotebookInstance",
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "sagemaker:StartPipelineExecution",
)
"""What the spend-limit policy denies: everything that starts paid SageMaker compute."""


@dataclass(frozen=True)
class AccountBudgetArgs:
    budget_name: str
    """Name of the budget, unique in the account, e.g. ``mlgov-<project>-<env>-monthly``."""
    account_id: pulumi.Input[str]
    """The account the budget watches (and whose roles the action restricts)."""
    monthly_limit_usd: float
    """Monthly cost limit in USD (> 0)."""
    alert_emails: tuple[str, ...]
    """Who receives the alerts (1 to 10 addresses)."""
    spend_limit_action: bool = False
    """Add the automatic deny-SageMaker action at 100% actual (EnvironmentRules.spend_limit_action)."""
    restricted_role_names: tuple[pulumi.Input[str], ...] = ()
    """IAM roles the deny policy is attached to when the action fires (required with spend_limit_action)."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for the budget, the action and its IAM resources."""


def check_budget(args: AccountBudgetArgs) -> None:
    errors = []
    if not args.monthly_limit_usd > 0:
        errors.append(f"monthly limit must be > 0 USD, got {args.monthly_limit_usd}")
    if not 1 <= len(args.alert_emails) <= MAX_EMAIL_SUBSCRIBERS:
        errors.append(f"budget alerts need 1 to {MAX_EMAIL_SUBSCRIBERS} emails, got {len(args.alert_emails)}")
    if args.spend_limit_action and not args.restricted_role_names:
        errors.append("a spend-limit action needs at least one role to restrict")
    if errors:
        raise ValueError(f"budget '{args.budget_name}': " + "; ".join(errors))


class AccountBudget(pulumi.ComponentResource):
    """A monthly COST budget for one account with e-mail alerts, plus the spend-limit action where the rules cap spend.

    Alerts go out before the money is gone; in sandboxes the action stops new SageMaker spend
    at 100 % of the limit, because sandboxes have no review step that would notice it.
    """

    def __init__(self, name: str, args: AccountBudgetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:budget:AccountBudget", name, None, opts)
        check_budget(args)
        child = pulumi.ResourceOptions(parent=self)
        emails = list(args.alert_emails)
        self.budget = aws.budgets.Budget(
            child_name(name, "budget"),
            name=args.budget_name,
            account_id=args.account_id,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.monthly_limit_usd:.2f}",
            limit_unit="USD",
            notifications=[
                {
                    "comparison_operator": "GREATER_THAN",
                    "threshold": ALERT_ACTUAL_PERCENT,
                    "threshold_type": "PERCENTAGE",
                    "notification_type": "ACTUAL",
                    "subscriber_email_addresses": emails,
                },
                {
                    "comparison_operator": "GREATER_THAN",
                    "threshold": ALERT_FORECAST_PERCENT,
                    "threshold_type": "PERCENTAGE",
                    "notification_type": "FORECASTED",
                    "subscriber_email_addresses": emails,
                },
            ],
            tags=args.tags,
            opts=child,
        )
        self.action: aws.budgets.BudgetAction | None = None
        if args.spend_limit_action:
            self._spend_limit_action(name, args, emails, child)
        self.register_outputs({"budgetName": self.budget.name, "action": self.action.action_id if self.action else None})

    def _spend_limit_action(self, name: str, args: AccountBudgetArgs, emails: list[str], child: pulumi.ResourceOptions) -> None:
        self.deny_policy = aws.iam.Policy(
            child_name(name, "deny-sagemaker"),
            name=f"{args.budget_name}-deny-sagemaker",
            description="Attached by AWS Budgets when the spending limit is reached: no new SageMaker compute.",
            policy=document({"Sid": "SpendingLimitReached", "Effect": "Deny", "Action": list(DENIED_SAGEMAKER_ACTIONS), "Resource": "*"}),
            tags=args.tags,
            opts=child,
        )
        role_arns = [role_arn(args.account_id, role) for role in args.restricted_role_names]
        self.action_role = aws.iam.Role(
            child_name(name, "action-role"),
            name=f"{args.budget_name}-action"[:64],
            description="AWS Budgets attaches the deny-SageMaker policy with this role",
            assume_role_policy=service_trust("budgets.amazonaws.com", args.account_id),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            child_name(name, "action-policy"),
            role=self.action_role.id,
            # Only this one policy, only onto the named roles.
            policy=document(
                {
                    "Sid": "AttachTheDenyPolicyOnly",
                    "Effect": "Allow",
                    "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                    "Resource": role_arns,
                    "Condition": {"ArnEquals": {"iam:PolicyARN": self.deny_policy.arn}},
                }
            ),
            opts=child,
        )
        self.action = aws.budgets.BudgetAction(
            child_name(name, "spend-limit"),
            account_id=args.account_id,
            budget_name=self.budget.name,
            action_type="APPLY_IAM_POLICY",
            approval_model="AUTOMATIC",
            notification_type="ACTUAL",
            action_threshold={"action_threshold_type": "PERCENTAGE", "action_threshold_value": ACTION_ACTUAL_PERCENT},
            definition={"iam_action_definition": {"policy_arn": self.deny_policy.arn, "roles": list(args.restricted_role_names)}},
            execution_role_arn=self.action_role.arn,
            subscribers=[{"address": email, "subscription_type": "EMAIL"} for email in emails],
            tags=args.tags,
            opts=child,
        )
