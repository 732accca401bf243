"""A resource monitor that records what the program registers, as the engine would.

Pulumi's MockMonitor drops most of a registration (parent, dependencies,
protect, provider) and computes URNs that are wrong for nested components
(it keeps only the last parent type and adds the root Stack's type). This subclass keeps the full RegisterResourceRequest, computes the
engine's URN (``<parent type chain>$<type>``), stands in the default provider
the engine would create, and answers stack references from stacks planned
before.
"""

from __future__ import annotations

import json
import threading
from importlib.metadata import version
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await
from pulumi.runtime.proto import resource_pb2

from mlgov.constants import TypeToken
from mlgov.engine.fakes import FakeOrganization, digest
from mlgov.engine.model import PlannedResource

SECRET = "[secret]"


class MissingStackReference(Exception):
    pass


def plain(value: Any) -> Any:
    """JSON-able copy of a deserialized property value, secrets masked."""
    if rpc.is_rpc_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    urn = getattr(value, "urn", None)
    return f"<resource {urn}>" if urn is not None else str(value)


class PlanMocks(Mocks):
    """Answers the monitor's questions with deterministic fakes."""

    def __init__(self, organization: FakeOrganization, references: dict[str, dict[str, Any]]):
        self.organization = organization
        self.references = references
        self.monitor: RecordingMonitor | None = None

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        raise AssertionError("RecordingMonitor calls plan_resource, which knows the URN")

    def plan_resource(self, type_: str, name: str, urn: str, inputs: dict, account: str | None, import_id: str) -> tuple[str, dict]:
        if type_ == TypeToken.STACK_REFERENCE:
            return self._stack_reference(name, inputs)
        if type_.startswith("pulumi:providers:"):
            return f"{name}-{digest(urn, 8)}", dict(inputs)
        resource_id, outputs = self.organization.new_resource(type_, name, urn, dict(inputs), account)
        if import_id:
            # An import: the resource keeps the id the operator named.
            return import_id, {**outputs, "id": import_id}
        return resource_id, outputs

    def _stack_reference(self, reference: str, inputs: dict) -> tuple[str, dict]:
        name = str(inputs.get("name") or reference)
        short = name.rsplit("/", 1)[-1]
        if short not in self.references:
            planned = ", ".join(sorted(self.references)) or "none"
            raise MissingStackReference(
                f"stack reference '{name}': stack '{short}' was not planned before this one (planned: {planned}). "
                f"Plan it first, e.g. 'mlgov plan {short} <this stack>'."
            )
        return name, {"name": name, "outputs": self.references[short], "secretOutputNames": []}

    def call(self, args: MockCallArgs) -> tuple[dict, list | None]:
        account = self.monitor.account_of_provider(args.provider) if self.monitor else None
        return self.organization.call(args.token, args.args, account), []


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: PlanMocks, project: str, stack: str):
        super().__init__(mocks)
        mocks.monitor = self
        self.project = project
        self.stack = stack
        self.records: list[PlannedResource] = []
        self.stack_outputs: dict[str, Any] = {}
        self._qualified_types: dict[str, str] = {}
        self._providers: dict[str, PlannedResource] = {}
        self._default_providers: dict[str, str] = {}
        # The SDK registers resources from a thread pool.
        self._lock = threading.RLock()

    def sorted_records(self) -> list[PlannedResource]:
        """Records in a stable order (registration order depends on thread timing)."""
        return sorted(self.records, key=lambda record: (record.type != TypeToken.STACK, record.urn))

    # ---- URNs ----------------------------------------------------------------------------

    @property
    def stack_urn(self) -> str:
        return self._urn(TypeToken.STACK, f"{self.project}-{self.stack}")

    def _urn(self, qualified_type: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified_type}::{name}"

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if type_ == TypeToken.STACK:
            return self._urn(type_, name)
        parent_type = self._qualified_types.get(parent, "")
        qualified = f"{parent_type}${type_}" if parent_type else type_
        return self._urn(qualified, name)

    # ---- registrations -------------------------------------------------------------------

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == TypeToken.STACK:
            with self._lock:
                self.records.append(self._record(request, urn, "", {}, {}))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._qualified_types[urn] = urn.split("::")[2]
        if not request.custom:
            # Components have no id and no provider; the engine only records them.
            inputs = rpc.deserialize_properties(request.object)
            with self._lock:
                self.records.append(self._record(request, urn, "", inputs, {}))
            return resource_pb2.RegisterResourceResponse(urn=urn, object=request.object)
        resource_id, payload = self._plan_custom(request, urn, request.object, request.importId)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=payload)

    def ReadResource(self, request):
        # Stack references and `Resource.get` read existing resources instead of creating them.
        urn = self.make_urn(request.parent, request.type, request.name)
        self._qualified_types[urn] = urn.split("::")[2]
        _, payload = self._plan_custom(request, urn, request.properties, request.id)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=payload)

    def _plan_custom(self, request, urn: str, properties, known_id: str):
        """Fake the provider's answer for a custom resource, record it, return (id, serialized outputs)."""
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(properties)
        resource_id, outputs = self.mocks.plan_resource(
            request.type, request.name, urn, inputs, self.account_of_provider(request.provider), known_id
        )
        record = self._record(request, urn, resource_id, inputs, outputs)
        with self._lock:
            self.records.append(record)
            if request.type.startswith("pulumi:providers:"):
                self._providers[f"{urn}::{resource_id}"] = record
        return resource_id, _sync_await(rpc.serialize_properties(outputs, {}))

    def _record(self, request, urn: str, resource_id: str, inputs: dict, outputs: dict) -> PlannedResource:
        custom = bool(getattr(request, "custom", True))
        provider = request.provider
        if custom and not provider and not request.type.startswith(("pulumi:providers:", "pulumi:pulumi:")):
            provider = self._default_provider(request.type.split(":")[0])
        return PlannedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            id=resource_id,
            parent=request.parent if request.type != TypeToken.STACK else "",
            custom=custom,
            protect=bool(getattr(request, "protect", False)),
            provider=provider,
            dependencies=sorted(set(getattr(request, "dependencies", []))),
            property_dependencies={key: sorted(set(deps.urns)) for key, deps in sorted(getattr(request, "propertyDependencies", {}).items())},
            inputs=plain(inputs),
            outputs=plain(outputs),
            retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
            import_id=getattr(request, "importId", ""),
            ignore_changes=sorted(set(getattr(request, "ignoreChanges", []))),
        )

    def _default_provider(self, package: str) -> str:
        with self._lock:
            return self._default_provider_locked(package)

    def _default_provider_locked(self, package: str) -> str:
        if package not in self._default_providers:
            name = f"default_{_package_version(package).replace('.', '_')}"
            urn = self._urn(f"pulumi:providers:{package}", name)
            provider_id = digest(urn, 32, "0123456789abcdef")
            self.records.append(
                PlannedResource(
                    urn=urn, type=f"pulumi:providers:{package}", name=name, id=provider_id, parent="",
                    custom=True, protect=False, provider="", dependencies=[], property_dependencies={},
                    inputs={}, outputs={},
                )
            )
            self._default_providers[package] = f"{urn}::{provider_id}"
        return self._default_providers[package]

    def account_of_provider(self, reference: str) -> str | None:
        """The account an explicit provider is pinned to (allowedAccountIds), if any."""
        record = self._providers.get(reference)
        if record is None:
            return None
        allowed = record.inputs.get("allowedAccountIds")
        if isinstance(allowed, str):
            # Provider inputs travel JSON-encoded.
            try:
                allowed = json.loads(allowed)
            except ValueError:
                allowed = [allowed]
        return str(allowed[0]) if allowed else None

    def RegisterResourceOutputs(self, request):
        if request.urn == self.stack_urn:
            self.stack_outputs = plain(rpc.deserialize_properties(request.outputs))
        return empty_pb2.Empty()


def _package_version(package: str) -> str:
    try:
        return version(f"pulumi-{package}" if package != "pulumi" else "pulumi")
    except Exception:  # noqa: BLE001 - a missing distribution only changes the provider's name
        return "0.0.0"

