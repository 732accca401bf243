"""The ResourceProvider gRPC service of the local AWS provider.

One process serves one provider instance (the default ``aws`` provider or an
explicit assume-role one), as the engine launches plugins. Every resource
type is handled generically: ``Check`` keeps the program's inputs (this
provider adds no defaults, like the offline engine), ``Create``/``Update``
answer with :class:`mlgov.engine.fakes.FakeOrganization` for the account
the provider is pinned to (``allowedAccountIds``) and its region, ``Diff``
asks :func:`mlgov.force_replace.replace_causes` which changed properties
force a replacement. Organizations objects are also written to moto
(:mod:`.organizations`). At preview, every output the fakes compute beyond
the inputs is unknown, as a real provider reports it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from mlgov.engine.fakes import FakeOrganization, UnknownInvokeError
from mlgov.testing.aws_provider.organizations import MANAGED_TYPES, MotoOrganizations
from mlgov.testing.plugin_process import serve
from mlgov.testing.aws_provider.properties import UNKNOWN, changed_paths, reveal, to_python, to_struct

PROVIDER_VERSION = "7.51.1"
DEFAULT_REGION = "us-east-1"


def _project_of(urn: str) -> str:
    return urn.split("::")[1] if urn.count("::") >= 2 else ""


def _config_value(value: Any) -> Any:
    """Provider config values arrive JSON-encoded when they are not plain strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class AwsProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self):
        self.config: dict[str, Any] = {}
        self.project = ""
        self.root_directory = Path.cwd()
        self._moto: MotoOrganizations | None = None
        self._moto_lock = threading.Lock()

    # ---- identity of this provider instance ---------------------------------------------

    @property
    def region(self) -> str:
        return str(self.config.get("region") or os.environ.get("AWS_REGION") or DEFAULT_REGION)

    @property
    def account(self) -> str | None:
        allowed = self.config.get("allowedAccountIds")
        return str(allowed[0]) if isinstance(allowed, list) and allowed else None

    def _organization(self, urn: str = "") -> FakeOrganization:
        return FakeOrganization(_project_of(urn) or self.project or self._project_from_file(), self.region)

    def _project_from_file(self) -> str:
        path = self.root_directory / "Pulumi.yaml"
        if path.is_file():
            return str((yaml.safe_load(path.read_text()) or {}).get("name") or "")
        return ""

    @property
    def moto(self) -> MotoOrganizations:
        if self._moto is None:
            self._moto = MotoOrganizations()
        return self._moto

    def _in_moto(self, operation: str, *args):
        # moto's Organizations backend is not safe under concurrent writes (500s); the engine calls in parallel.
        with self._moto_lock:
            return getattr(self.moto, operation)(*args)

    # ---- plugin and configuration --------------------------------------------------------

    def Handshake(self, request, context):
        if request.root_directory:
            self.root_directory = Path(request.root_directory)
        return provider_pb2.ProviderHandshakeResponse(accept_secrets=True, accept_resources=False, accept_outputs=False)

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=PROVIDER_VERSION)

    def GetSchema(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the local test provider has no schema")

    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        old = to_python(request.old_inputs) if request.HasField("old_inputs") else to_python(request.olds)
        paths = changed_paths(old, to_python(request.news))
        changes = provider_pb2.DiffResponse.DIFF_SOME if paths else provider_pb2.DiffResponse.DIFF_NONE
        return provider_pb2.DiffResponse(changes=changes, diffs=sorted({path.split(".")[0] for path in paths}))

    def Configure(self, request, context):
        args = to_python(request.args) if request.HasField("args") else {}
        if not args:
            args = {key.split(":config:")[-1].split(":")[-1]: value for key, value in request.variables.items()}
        self.config = {key: _config_value(value) for key, value in reveal(args).items()}
        if request.urn:
            self.project = _project_of(request.urn)
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True, acceptResources=False)

    def Cancel(self, request, context):
        return empty_pb2.Empty()

    # ---- resources -----------------------------------------------------------------------

    def Check(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def Diff(self, request, context):
        old = to_python(request.old_inputs) if request.HasField("old_inputs") else to_python(request.olds)
        new = to_python(request.news)
        ignored = tuple(request.ignoreChanges)
        paths = [path for path in changed_paths(old, new) if not any(path == item or path.startswith(item + ".") for item in ignored)]
        if not paths:
            return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)
        from mlgov.force_replace import replace_causes  # the one table of properties that force replacement

        causes = set(replace_causes(request.type or request.urn.split("::")[2].split("$")[-1], paths))
        detailed = {
            path: provider_pb2.PropertyDiff(
                kind=provider_pb2.PropertyDiff.UPDATE_REPLACE if path in causes else provider_pb2.PropertyDiff.UPDATE, inputDiff=True
            )
            for path in paths
        }
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME, replaces=sorted(causes),
            diffs=sorted({path.split(".")[0] for path in paths}), detailedDiff=detailed, hasDetailedDiff=True,
        )

    def _fake(self, urn: str, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return self._organization(urn).new_resource(type_, name, urn, reveal(inputs), self.account)

    def Create(self, request, context):
        inputs = to_python(request.properties)
        type_, name = request.type or _type_of(request.urn), request.name or request.urn.rsplit("::", 1)[-1]
        resource_id, outputs = self._fake(request.urn, type_, name, inputs)
        if request.preview:
            # What AWS computes is unknown until the resource exists.
            preview = {key: (inputs[key] if key in inputs else UNKNOWN) for key in outputs if key != "id"}
            return provider_pb2.CreateResponse(id="", properties=to_struct({**preview, **inputs}))
        if type_ in MANAGED_TYPES:
            self._in_moto("create", type_, resource_id, reveal(inputs))
        return provider_pb2.CreateResponse(id=resource_id, properties=to_struct(outputs))

    def Update(self, request, context):
        old = to_python(request.olds)
        inputs = to_python(request.news)
        type_, name = request.type or _type_of(request.urn), request.name or request.urn.rsplit("::", 1)[-1]
        _, outputs = self._fake(request.urn, type_, name, inputs)
        outputs = {**old, **outputs, **inputs, "id": request.id}
        if request.preview:
            return provider_pb2.UpdateResponse(properties=to_struct(outputs))
        if type_ in MANAGED_TYPES:
            self._in_moto("update", type_, request.id, reveal(old), reveal(inputs))
        return provider_pb2.UpdateResponse(properties=to_struct(outputs))

    def Delete(self, request, context):
        type_ = request.type or _type_of(request.urn)
        if type_ in MANAGED_TYPES:
            self._in_moto("delete", type_, request.id, reveal(to_python(request.properties)))
        return empty_pb2.Empty()

    def Read(self, request, context):
        type_ = request.type or _type_of(request.urn)
        if type_ in MANAGED_TYPES:
            found = self._in_moto("read", type_, request.id)
            if found is None:
                return provider_pb2.ReadResponse()
            resource_id, outputs, inputs = found
            known = to_python(request.properties)
            if known:
                # A refresh keeps the fake id the state knows the object by.
                resource_id, outputs = request.id, {**known, **outputs, "id": request.id}
            return provider_pb2.ReadResponse(id=resource_id, properties=to_struct(outputs), inputs=to_struct({**to_python(request.inputs), **inputs}))
        if request.HasField("properties") and to_python(request.properties):
            # Other types live only in the state: a refresh finds them as they were.
            return provider_pb2.ReadResponse(id=request.id, properties=request.properties, inputs=request.inputs)
        return provider_pb2.ReadResponse()

    def Invoke(self, request, context):
        try:
            answer = self._organization().call(request.tok, reveal(to_python(request.args)), self.account)
        except (UnknownInvokeError, ValueError) as error:
            return provider_pb2.InvokeResponse(failures=[provider_pb2.CheckFailure(property="", reason=str(error))])
        return provider_pb2.InvokeResponse(**{"return": to_struct(answer)})


def _type_of(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


def main(argv: list[str]) -> int:
    return serve(lambda server: provider_pb2_grpc.add_ResourceProviderServicer_to_server(AwsProvider(), server), PROVIDER_VERSION, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
