"""Every planned resource carries every argument its type requires.

An argument the program fills from another resource's output that the provider
does not report (an autonamed ``name``, say) arrives as nothing: the SDK drops it,
and the dependency with it. Under mocks that passes silently; the real engine
refuses it, or deploys a resource that lost its link. The pulumi-aws argument
classes say which arguments are required.
"""

from __future__ import annotations

import inspect

import pytest

from provider_docs import camel, resource_classes
from mlgov.constants import TypeToken


def _required(type_: str) -> list[str]:
    _, args = resource_classes(type_)
    if args is None:
        return []
    parameters = inspect.signature(args.__init__).parameters.values()
    return [camel(p.name) for p in parameters if p.name != "self" and p.default is inspect.Parameter.empty and p.kind is p.KEYWORD_ONLY]


def _custom(plans):
    return [(stack, r) for stack, plan in plans.items() for r in plan.resources if r.custom and r.type.startswith("aws:")]


def test_the_check_knows_required_arguments():
    assert "rule" in _required(TypeToken.EVENT_TARGET)
    assert "email" in _required(TypeToken.ACCOUNT)


@pytest.mark.parametrize("stack", ["org", "sandbox", "dev", "preprod", "prod", "shared"])
def test_every_required_argument_is_planned(sample_plans, stack):
    missing = [
        f"{resource.type} {resource.name}: {argument}"
        for _, resource in _custom({stack: sample_plans[stack]})
        for argument in _required(resource.type)
        if resource.inputs.get(argument) is None
    ]
    assert not missing, "required arguments that resolved to nothing:\n" + "\n".join(missing)
