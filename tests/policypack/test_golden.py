from .conftest import Stack
from .golden import bucket_stack, org_stack


def test_golden_org_stack_has_no_violations(run):
    assert run(org_stack()) == []


def test_golden_bucket_stack_has_no_violations(run):
    assert run(bucket_stack(), environment="dev") == []


def test_empty_stack_has_no_violations(run):
    assert run(Stack([]), environment="sandbox") == []
