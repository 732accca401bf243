"""Reading what the installed pulumi-aws says about a resource type (its classes and their documentation)."""

from __future__ import annotations

import importlib
import inspect


def camel(snake: str) -> str:
    """A Python argument name as the engine spells it ('role_name' -> 'roleName')."""
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def resource_classes(type_: str) -> tuple[type, type | None]:
    """The resource class of a type token and its arguments class.

    The arguments class is looked up in the resource's own module: some are called
    ``<Name>InitArgs`` there, and the package also exports nested input types named
    ``<Name>Args`` that belong to other resources.
    """
    _, module, name = type_.split(":")
    resource = getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), name)
    own = inspect.getmodule(resource)
    for candidate in (f"{name}InitArgs", f"{name}Args"):
        args = getattr(own, candidate, None)
        if args is not None and args.__module__ == own.__name__:
            return resource, args
    return resource, None
