"""Run a Pulumi Python program against a running engine, as the language host's executor does.

The language host starts this file with the project's interpreter (its
virtualenv), the stack config in ``PULUMI_CONFIG`` / ``PULUMI_CONFIG_SECRET_KEYS``
and the engine's addresses as arguments. It configures the SDK's runtime
(monitor, engine, project, stack, dry run, parallelism, organization, root
directory), changes to the program's working directory and runs its
``__main__`` inside the root Stack resource (``run_in_stack``), so exports and
every registration reach the engine.

It imports nothing but the Pulumi SDK, because it runs in the program's own
virtualenv. Exit status 32 tells the host that the error was already shown to
the user (the Pulumi executor's convention).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

USER_ACTIONABLE_EXIT = 32


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Execute a Pulumi Python program")
    for flag in ("project", "root_directory", "stack", "parallel", "dry_run", "pwd", "monitor", "engine", "tracing", "organization"):
        parser.add_argument(f"--{flag}")
    parser.add_argument("PROGRAM")
    parser.add_argument("ARGS", nargs="*")
    return parser.parse_args(argv)


def _user_traceback(program: str) -> str:
    """The traceback from the first frame of the user's program on (the executor's frames are noise)."""
    main = os.path.abspath(os.path.join(program, "__main__.py") if os.path.isdir(program) else program)
    frames = traceback.extract_tb(sys.exc_info()[2])
    for index, frame in enumerate(frames):
        if os.path.abspath(frame.filename) == main:
            return traceback.format_exc(limit=-(len(frames) - index))
    return traceback.format_exc()


def main(argv: list[str]) -> int:
    try:
        import pulumi
        import pulumi.runtime
    except ImportError:
        print(traceback.format_exc(), file=sys.stderr)
        print("The Pulumi SDK is not installed in the program's virtualenv: pip install -r requirements.txt", file=sys.stderr)
        return 1

    args = _arguments(argv)
    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    settings = pulumi.runtime.Settings(
        monitor=args.monitor,
        engine=args.engine,
        project=args.project,
        stack=args.stack,
        parallel=int(args.parallel) if args.parallel else None,
        dry_run=args.dry_run == "true",
        organization=args.organization,
        root_directory=args.root_directory,
    )
    pulumi.runtime.configure(settings)
    sys.argv = [args.PROGRAM, *args.ARGS]
    if args.pwd:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The engine's parallelism bounds resource operations; the SDK runs blocking work on the default executor.
    executor = ThreadPoolExecutor(max_workers=max(settings.parallel or 1, 1) * 4)
    loop.set_default_executor(executor)
    # Unobserved futures of a failed program are expected; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    exit_code = 1
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(args.PROGRAM, run_name="__main__")))
        exit_code = 0
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
    except Exception:  # noqa: BLE001 - any failure of the user's program is reported through the engine
        pulumi.log.error("Program failed with an unhandled exception:\n" + _user_traceback(args.PROGRAM))
        exit_code = USER_ACTIONABLE_EXIT
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
