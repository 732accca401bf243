"""ECR repositories of approved images, pullable by principals of the organization only."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from components.shared.policies import ecr_pull_policy


@dataclass(frozen=True)
class ContainerRepositoriesArgs:
    names: tuple[str, ...]
    """Repository names (e.g. 'ml/training-base'); the resource names derive from them."""
    organization_id: pulumi.Input[str]
    """Only principals of this organization may pull (aws:PrincipalOrgID)."""
    kms_key_arn: pulumi.Input[str]
    """Customer managed key the images are encrypted with."""
    tags: dict[str, str] = field(default_factory=dict)


class ContainerRepositories(pulumi.ComponentResource):
    """ECR repositories of approved base images: immutable tags, scan on push, KMS, pull only
    for principals of the organization, so projects build on images the platform vetted.
    """

    def __init__(self, name: str, args: ContainerRepositoriesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:container_repositories:ContainerRepositories", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.repositories: dict[str, aws.ecr.Repository] = {}
        for repo in args.names:
            repository = aws.ecr.Repository(
                child_name(name, repo),
                name=repo,
                # An approved tag must always mean the same image.
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arn}],
                tags=args.tags,
                opts=child,
            )
            aws.ecr.RepositoryPolicy(
                child_name(name, repo, "policy"),
                repository=repository.name,
                policy=ecr_pull_policy(args.organization_id),
                opts=child,
            )
            self.repositories[repo] = repository
        self.register_outputs({"repositoryUrls": {key: repo.repository_url for key, repo in self.repositories.items()}})
