"""A Python language host for the Pulumi CLI: the LanguageRuntime gRPC service.

The Go module of Pulumi's own Python language host is not served by the Go
module proxy (see the README, "The real engine"), so the test lane installs
this one as ``pulumi-language-python`` beside the pinned CLI. It does what
the real host does for ``preview``/``up``/``import`` and policy packs:

- ``Run``: starts the program with the interpreter of the project's
  ``runtime.options.virtualenv`` (or ``python3``), through
  ``program_exec.py``, passing monitor and engine addresses, project, stack,
  organization, root directory, dry-run flag and parallelism as arguments and
  the config (with its secret keys) in ``PULUMI_CONFIG`` /
  ``PULUMI_CONFIG_SECRET_KEYS``;
- ``RunPlugin`` for a policy pack (``kind: analyzer``): runs
  ``python -u -m pulumi.policy <args> <pack dir>`` in the pack folder behind
  an analyzer proxy that waits for the engine's ``ConfigureStack`` to start
  the pack with ``PULUMI_CONFIG``, ``PULUMI_PROJECT``, ``PULUMI_STACK``,
  ``PULUMI_DRY_RUN`` and ``PULUMI_ORGANIZATION``, then forwards every call;
- ``GetRequiredPackages``: the resource plugins the program's installed
  Pulumi packages declare in their ``pulumi-plugin.json``.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, language_pb2, language_pb2_grpc, plugin_pb2

from mlgov.testing.plugin_process import engine_address, serve
from mlgov.testing.python_toolchain import PythonToolchain, ToolchainError, resolve

EXECUTOR = Path(__file__).with_name("program_exec.py")
USER_ACTIONABLE_EXIT = 32
# Which packages a program can use as Pulumi plugins: the ones that ship a pulumi-plugin.json.
_LIST_PLUGINS = """
import json, importlib.metadata as m
found = []
for dist in m.distributions():
    for file in dist.files or []:
        if file.name == "pulumi-plugin.json":
            try:
                found.append(json.loads(file.read_text()))
            except Exception:
                pass
print(json.dumps(found))
"""


def _toolchain(info) -> PythonToolchain:
    options = json.loads(_struct_json(info.options)) if info.HasField("options") else {}
    return resolve(Path(info.root_directory or info.program_directory), options)


def _struct_json(struct) -> str:
    from google.protobuf import json_format

    return json_format.MessageToJson(struct)


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, engine_address: str, version: str):
        self.engine_address = engine_address
        self.version = version
        self._children: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    # ---- handshake and metadata -----------------------------------------------------------

    def Handshake(self, request, context):
        if request.engine_address:
            self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=self.version)

    def About(self, request, context):
        toolchain = _toolchain(request.info)
        version = subprocess.run([toolchain.python, "--version"], capture_output=True, text=True, check=False)
        return language_pb2.AboutResponse(executable=toolchain.python, version=version.stdout.strip().split(" ")[-1])

    def GetRequiredPlugins(self, request, context):
        return language_pb2.GetRequiredPluginsResponse(
            plugins=[plugin_pb2.PluginDependency(name=p.name, kind=p.kind, version=p.version, server=p.server) for p in self._packages(request.info, context)]
        )

    def GetRequiredPackages(self, request, context):
        return language_pb2.GetRequiredPackagesResponse(packages=self._packages(request.info, context))

    def _packages(self, info, context) -> list:
        try:
            toolchain = _toolchain(info)
        except ToolchainError as error:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(error))
        listed = subprocess.run(
            [toolchain.python, "-c", _LIST_PLUGINS], capture_output=True, text=True, check=True, env=toolchain.environment()
        )
        packages = []
        for plugin in json.loads(listed.stdout):
            if plugin.get("resource") and plugin.get("name"):
                version = str(plugin.get("version") or "")
                packages.append(
                    plugin_pb2.PackageDependency(
                        name=plugin["name"], kind="resource", version=version if not version or version.startswith("v") else f"v{version}",
                        server=str(plugin.get("server") or ""),
                    )
                )
        return sorted(packages, key=lambda package: package.name)

    def GetProgramDependencies(self, request, context):
        toolchain = _toolchain(request.info)
        listed = subprocess.run(
            [toolchain.python, "-c", "import json, importlib.metadata as m; print(json.dumps(sorted((d.metadata['Name'], d.version) for d in m.distributions())))"],
            capture_output=True, text=True, check=True, env=toolchain.environment(),
        )
        return language_pb2.GetProgramDependenciesResponse(
            dependencies=[language_pb2.DependencyInfo(name=name, version=version) for name, version in json.loads(listed.stdout)]
        )

    def InstallDependencies(self, request, context):
        # The lane installs every requirement through the Makefile before it runs; nothing to do here.
        toolchain = _toolchain(request.info)
        yield language_pb2.InstallDependenciesResponse(stdout=f"using {toolchain.python}\n".encode())

    def Cancel(self, request, context):
        with self._lock:
            for child in list(self._children):
                child.terminate()
        return empty_pb2.Empty()

    # ---- programs -------------------------------------------------------------------------

    def Run(self, request, context):
        try:
            toolchain = _toolchain(request.info)
        except ToolchainError as error:
            return language_pb2.RunResponse(error=str(error))
        args = [toolchain.python, "-u", str(EXECUTOR)]
        for flag, value in (
            ("monitor", request.monitor_address),
            ("engine", self.engine_address),
            ("project", request.project),
            ("root_directory", request.info.root_directory),
            ("stack", request.stack),
            ("pwd", request.pwd),
            ("dry_run", "true" if request.dryRun else "false"),
            ("parallel", str(request.parallel)),
            ("organization", request.organization),
        ):
            if value:
                args += [f"--{flag}", value]
        args.append(request.info.entry_point or ".")
        args += list(request.args)
        env = toolchain.environment()
        env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        # The engine shows the program's output as it reads ours.
        child = subprocess.Popen(args, env=env, cwd=request.pwd or None, stdout=sys.stdout, stderr=sys.stderr)
        code = self._wait(child)
        sys.stdout.flush()
        if code == 0:
            return language_pb2.RunResponse()
        if code == USER_ACTIONABLE_EXIT:
            return language_pb2.RunResponse(bail=True)
        return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")

    def _wait(self, child: subprocess.Popen) -> int:
        with self._lock:
            self._children.add(child)
        try:
            return child.wait()
        finally:
            with self._lock:
                self._children.discard(child)

    # ---- plugins (policy packs) -----------------------------------------------------------

    def RunPlugin(self, request, context):
        outputs: queue.Queue = queue.Queue()
        # The plugin starts in the background: a policy pack's proxy must print its port (through this
        # stream) before the engine sends the stack configuration the pack is started with.
        threading.Thread(target=self._start_plugin, args=(request, context, outputs), daemon=True).start()
        while True:
            item = outputs.get()
            if item is None:
                return
            if isinstance(item, Exception):
                context.abort(grpc.StatusCode.UNKNOWN, str(item))
            yield item

    def _start_plugin(self, request, context, outputs: queue.Queue) -> None:
        try:
            self._run_plugin(request, context, outputs)
        except Exception as error:  # noqa: BLE001 - reported to the engine as the RPC's error
            outputs.put(error)
            outputs.put(None)

    def _run_plugin(self, request, context, outputs: queue.Queue) -> None:
        is_analyzer = request.kind == "analyzer"
        program_dir = request.info.program_directory
        options = json.loads(_struct_json(request.info.options)) if request.info.HasField("options") else None
        toolchain = resolve(Path(program_dir), options)
        env = toolchain.environment()
        if is_analyzer:
            args = [toolchain.python, "-u", "-m", "pulumi.policy", *request.args, program_dir]
        else:
            args = [toolchain.python, program_dir, *request.args]
        proxy = None
        if is_analyzer:
            proxy = AnalyzerProxy()
            outputs.put(language_pb2.RunPluginResponse(stdout=f"{proxy.port}\n".encode()))
            configuration = proxy.await_configuration(context)
            if configuration is not None:
                for key, value in (
                    ("PULUMI_ORGANIZATION", configuration.organization),
                    ("PULUMI_PROJECT", configuration.project),
                    ("PULUMI_STACK", configuration.stack),
                    ("PULUMI_DRY_RUN", "true" if configuration.dry_run else "false"),
                ):
                    if value:
                        env[key] = value
                if configuration.config:
                    env["PULUMI_CONFIG"] = json.dumps(dict(configuration.config))
        for item in request.env:
            key, _, value = item.partition("=")
            env[key] = value
        child = subprocess.Popen(
            args, env=env, cwd=program_dir if is_analyzer else (request.pwd or None),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        with self._lock:
            self._children.add(child)
        context.add_callback(child.terminate)
        if proxy is not None:
            port_line = child.stdout.readline()
            proxy.attach(int(port_line.strip() or b"0"))
        pumps = [
            threading.Thread(target=_pump, args=(child.stdout, outputs, "stdout"), daemon=True),
            threading.Thread(target=_pump, args=(child.stderr, outputs, "stderr"), daemon=True),
        ]
        for pump in pumps:
            pump.start()
        _finish(child, pumps, outputs, self)


def _pump(stream, outputs, field: str) -> None:
    for chunk in iter(lambda: stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536), b""):
        outputs.put(language_pb2.RunPluginResponse(**{field: chunk}))


def _finish(child: subprocess.Popen, pumps: list[threading.Thread], outputs, host: LanguageHost) -> None:
    code = child.wait()
    for pump in pumps:
        pump.join()
    with host._lock:
        host._children.discard(child)
    outputs.put(language_pb2.RunPluginResponse(exitcode=code))
    outputs.put(None)


class AnalyzerProxy(analyzer_pb2_grpc.AnalyzerServicer):
    """Stands in for a policy pack until the engine has sent the stack's configuration.

    The engine calls ``ConfigureStack`` (stack, project, config) before anything
    else when it supports it; the pack reads that configuration from its
    environment when it starts, so it can only be started afterwards. Any
    other first call means there is no stack configuration to wait for.
    """

    def __init__(self):
        self._configured = threading.Event()
        self._configuration = None
        self._attached = threading.Event()
        self._client: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        analyzer_pb2_grpc.add_AnalyzerServicer_to_server(self, self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()

    def await_configuration(self, context):
        while not self._configured.wait(0.2):
            if not context.is_active():
                return None
        return self._configuration

    def attach(self, port: int) -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self._client = analyzer_pb2_grpc.AnalyzerStub(channel)
        if self._configuration is not None:
            try:
                self._client.ConfigureStack(self._configuration)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                    raise
        self._attached.set()

    def _forward(self, method: str, request):
        if not self._configured.is_set():
            self._configured.set()
        self._attached.wait()
        return getattr(self._client, method)(request)

    def Handshake(self, request, context):
        return analyzer_pb2.AnalyzerHandshakeResponse()

    def ConfigureStack(self, request, context):
        self._configuration = request
        self._configured.set()
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    def Analyze(self, request, context):
        return self._forward("Analyze", request)

    def AnalyzeStack(self, request, context):
        return self._forward("AnalyzeStack", request)

    def Remediate(self, request, context):
        return self._forward("Remediate", request)

    def GetAnalyzerInfo(self, request, context):
        return self._forward("GetAnalyzerInfo", request)

    def GetPluginInfo(self, request, context):
        return self._forward("GetPluginInfo", request)

    def Configure(self, request, context):
        return self._forward("Configure", request)

    def Cancel(self, request, context):
        return self._forward("Cancel", request)


def main(argv: list[str]) -> int:
    host = LanguageHost(engine_address(argv), _version())
    return serve(lambda server: language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server), _version(), argv, workers=16)


def _version() -> str:
    from importlib.metadata import version

    return version("pulumi")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
