"""The baseline inside every ML project account.

One concept per module: ``kms`` (the project key), ``secure_bucket`` (a bucket with
all its pulumi-aws 7 companions), ``network`` (private VPC with endpoints),
``studio`` (SageMaker Studio domain, execution role, user profiles), ``budget``
(monthly budget, spend-limit action) and ``project_baseline``, which composes them
for one account. Every component is created under the account's own explicit
provider; children inherit it from their parent.
"""
