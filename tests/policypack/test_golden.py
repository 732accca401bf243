from .conftest import Stack
from .golden import bucket_stack, catalog_stack, identity_stack, log_bucket_stack, network_stack, org_stack, resource_policy_stack


def test_golden_org_stack_has_no_violations(run):
    assert run(org_stack()) == []


def test_golden_bucket_stack_has_no_violations(run):
    assert run(bucket_stack(), environment="dev") == []


def test_empty_stack_has_no_violations(run):
    assert run(Stack([]), environment="sandbox") == []


def test_golden_resource_policy_stack_has_no_violations(run):
    assert run(resource_policy_stack(), environment="dev") == []


def test_golden_identity_stack_has_no_violations(run):
    assert run(identity_stack()) == []


def test_golden_log_bucket_stack_has_no_violations(run):
    assert run(log_bucket_stack()) == []


def test_golden_network_stack_has_no_violations(run):
    assert run(network_stack(), environment="dev") == []


def test_golden_catalog_stack_has_no_violations(run):
    assert run(catalog_stack()) == []
