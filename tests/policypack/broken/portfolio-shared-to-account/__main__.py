"""Broken on purpose: A Service Catalog portfolio shared with type ACCOUNT: the share waits for an acceptance nothing gives."""

import pulumi_aws as aws

portfolio = aws.servicecatalog.Portfolio("ml-products", name="ML products", provider_name="ML platform")
aws.servicecatalog.PrincipalPortfolioAssociation(
    "data-scientists", portfolio_id=portfolio.id, principal_type="IAM_PATTERN",
    principal_arn="arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_DataScientist_*")
# The defect: an ACCOUNT share is only offered to the dev account; nobody there accepts it.
aws.servicecatalog.PortfolioShare("dev-account", portfolio_id=portfolio.id, principal_id="555566667777", type="ACCOUNT",
                                  share_principals=True)
