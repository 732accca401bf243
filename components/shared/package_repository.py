"""CodeArtifact domain and repository of approved Python packages, readable inside the organization."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from components.shared.policies import codeartifact_read_policy


@dataclass(frozen=True)
class PackageRepositoryArgs:
    domain: str
    """CodeArtifact domain name."""
    repository: str
    """Repository name."""
    external_connection: str
    """Public upstream, e.g. 'public:pypi'."""
    organization_id: pulumi.Input[str]
    """Only principals of this organization may read (aws:PrincipalOrgID)."""
    kms_key_arn: pulumi.Input[str]
    """Customer managed key of the domain's assets."""
    tags: dict[str, str] = field(default_factory=dict)


class PackageRepository(pulumi.ComponentResource):
    """A CodeArtifact domain (KMS) and a repository proxying public PyPI, readable inside the organization,
    so project VPCs without internet still install approved packages.
    """

    def __init__(self, name: str, args: PackageRepositoryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:package_repository:PackageRepository", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.domain = aws.codeartifact.Domain(
            child_name(name, "domain"), domain=args.domain, encryption_key=args.kms_key_arn, tags=args.tags, opts=child
        )
        self.repository = aws.codeartifact.Repository(
            child_name(name, "repository"),
            domain=self.domain.domain,
            repository=args.repository,
            description="Approved Python packages (proxy of the public upstream)",
            external_connections={"external_connection_name": args.external_connection},
            tags=args.tags,
            opts=child,
        )
        # Both levels need a grant for a cross-account read: the domain (token, endpoint) and the repository.
        aws.codeartifact.DomainPermissions(
            child_name(name, "domain-policy"),
            domain=self.domain.domain,
            policy_document=codeartifact_read_policy(self.domain.arn, args.organization_id),
            opts=child,
        )
        aws.codeartifact.RepositoryPermissionsPolicy(
            child_name(name, "repository-policy"),
            domain=self.domain.domain,
            repository=self.repository.repository,
            policy_document=codeartifact_read_policy(self.repository.arn, args.organization_id),
            opts=child,
        )
        self.register_outputs({"domain": self.domain.domain, "repository": self.repository.repository})
