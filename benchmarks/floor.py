"""The Pulumi SDK's own floor: register the resources of a plan again, with nothing of mlgov.

    venv/bin/python benchmarks/floor.py PLAN.json

Reads a plan written by ``mlgov plan --format json`` and, for every stack in
it, runs a program that registers the same resources (same type tokens, names,
parents, explicit providers, recorded inputs and dependencies) as plain
``pulumi.ComponentResource`` / ``pulumi.CustomResource`` /
``pulumi.ProviderResource`` objects, under Pulumi's own ``MockMonitor`` and a
``Mocks`` that echoes inputs as outputs. Each stack runs in a fresh context and
event loop inside ``run_in_stack``, as the language host runs a program. The
root Stack and the engine's default providers are not registered: the SDK
creates the first, the engine the second.

What it measures is what the SDK alone needs for that resource graph (no
config model, no component logic, no fakes, no URN bookkeeping, no policy
pack): the floor ``benchmarks/plan_scale.py`` compares ``mlgov plan`` with.
Prints one JSON line: ``{"seconds": ..., "resources": ..., "stacks": ...}``;
the time counts from before ``import pulumi`` (and the import of the provider
modules of the registered kinds, as a program using them must) to the last
stack's end, not the reading of the plan file.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
from typing import Any

STACK_TYPE = "pulumi:pulumi:Stack"


def registration_order(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resources the program would register, each after its parent, its provider and its dependencies."""
    by_urn = {resource["urn"]: resource for resource in resources if _registered_by_program(resource)}
    ordered: list[dict[str, Any]] = []
    done: set[str] = set()

    def visit(urn: str) -> None:
        if urn in done or urn not in by_urn:
            return
        done.add(urn)
        resource = by_urn[urn]
        for before in (resource["parent"], _provider_urn(resource["provider"]), *resource["dependencies"]):
            visit(before)
        ordered.append(resource)

    for urn in by_urn:
        visit(urn)
    return ordered


def _registered_by_program(resource: dict[str, Any]) -> bool:
    if resource["type"] == STACK_TYPE:
        return False
    # Default providers have no parent and a "default" name; the engine makes them, not the program.
    return not (resource["type"].startswith("pulumi:providers:") and resource["name"].startswith("default"))


def _provider_urn(reference: str) -> str:
    return reference.rsplit("::", 1)[0] if reference else ""


def _provider_module(type_: str) -> str | None:
    """``aws:s3/bucket:Bucket`` -> ``pulumi_aws.s3``; None for Pulumi's own and unknown packages."""
    package, _, rest = type_.partition(":")
    if package == "pulumi" or not rest:
        return None
    module = rest.split("/", 1)[0] if "/" in rest.split(":", 1)[0] else "index"
    name = f"pulumi_{package.replace('-', '_')}"
    candidate = name if module == "index" else f"{name}.{module}"
    return candidate if importlib.util.find_spec(name) is not None else None


def run_stack(project: str, stack: str, resources: list[dict[str, Any]]) -> int:
    """Register ``resources`` in a fresh Pulumi runtime; returns how many were registered."""
    import asyncio
    import contextvars

    import pulumi
    from google.protobuf import empty_pb2
    from pulumi.runtime import settings as pulumi_settings
    from pulumi.runtime.mocks import MockEngine, MockMonitor, Mocks, MockSettings
    from pulumi.runtime.stack import run_in_stack

    class EchoMocks(Mocks):
        def new_resource(self, args):
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}, None

    ordered = registration_order(resources)
    # A program that uses these kinds imports their provider modules.
    for module in sorted({_provider_module(resource["type"]) for resource in ordered} - {None}):
        importlib.import_module(module)

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        for resource in ordered:
            parent = made.get(resource["parent"])
            provider = made.get(_provider_urn(resource["provider"]))
            depends_on = [made[urn] for urn in resource["dependencies"] if urn in made and made[urn] is not parent]
            opts = pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=depends_on or None,
                                          protect=resource["protect"])
            if not resource["custom"]:
                component = pulumi.ComponentResource(resource["type"], resource["name"], None, opts)
                component.register_outputs({})
                made[resource["urn"]] = component
            elif resource["type"].startswith("pulumi:providers:"):
                package = resource["type"].split(":")[2]
                made[resource["urn"]] = pulumi.ProviderResource(package, resource["name"], resource["inputs"], opts)
            else:
                made[resource["urn"]] = pulumi.CustomResource(resource["type"], resource["name"], resource["inputs"], opts)

    def run() -> None:
        monitor = MockMonitor(EchoMocks())
        pulumi_settings.ROOT.set(None)
        pulumi_settings.configure(MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
            engine=MockEngine(None), project=project, stack=stack, dry_run=True,
            organization="organization", callbacks=None,
        ))
        loop = asyncio.new_event_loop()
        try:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(run_in_stack(program))
        finally:
            loop.close()
            asyncio.set_event_loop(None)

    contextvars.copy_context().run(run)
    return len(ordered)


def main() -> None:
    with open(sys.argv[1]) as handle:
        document = json.load(handle)
    start = time.perf_counter()
    registered = 0
    for stack in document["stacks"]:
        project = stack["resources"][0]["urn"].split("::")[1] if stack["resources"] else "project"
        registered += run_stack(project, stack["name"], stack["resources"])
    print(json.dumps({"seconds": time.perf_counter() - start, "resources": registered, "stacks": len(document["stacks"])}))


if __name__ == "__main__":
    main()
