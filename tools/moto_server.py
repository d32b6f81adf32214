"""Start moto's server on MOTO_HOST:PORT (default 127.0.0.1:5000) with three gaps fixed: two in its
Lambda, one in its CloudFormation StackSets.

1. Defect (moto 5.2.x, moto/awslambda/responses.py): LambdaResponse.remove_permission reads
``self.querystring.get("RevisionId", "")``. The query string is a dict of *lists*, so a sent
RevisionId arrives as ``["<id>"]`` and Policy.del_statement compares that list with the stored
string: RemovePermission with any RevisionId, even the current one, fails with
PreconditionFailedException. Real AWS removes the statement when the id is current. The guard
sends the RevisionId it read from GetPolicy, so its tests need AWS's behaviour: we replace that
one handler with moto's own code, reading the first value.

2. Missing (moto 5.2.x, moto/awslambda/models.py): a function's configuration carries no
``RevisionId``, and UpdateFunctionConfiguration ignores the ``RevisionId`` it is sent. In AWS every
configuration has one, a new one after each change of the configuration or code, and an update
sent with any other answers 412 PreconditionFailedException. The guard restores a VPC config only
under the revision it inspected, so its tests need that: LambdaFunction.get_configuration adds
the function's current revision id, and update_configuration / update_function_code check the id
sent (if any) and then give the function a new one.

3. Defect (moto 5.2.x, moto/cloudformation/models.py): a SELF_MANAGED StackSet's instance is a
stack named ``StackSet:<stack set name>``. AWS names it ``StackSet-<stack set name>-<uuid>`` (a
colon is not even valid in a stack name), and CloudFormation builds the names it generates from the
stack name, so a template with an unnamed SQS queue (org/member-forwarder.yaml's dead-letter queue)
fails in moto on the colon in the queue name. CloudFormationBackend.create_stack gives such a stack
AWS's name instead. And the StackId that ListStackInstances and DescribeStackInstance report is a
fresh random id of no stack; StackInstance.to_dict reports the instance's real stack.

Everything else is moto's. Each patch is applied only while moto still lacks the behaviour
(checked by source text).

Usage: [MOTO_HOST=ADDRESS] .venv/bin/python tools/moto_server.py [PORT]
"""

from __future__ import annotations

import inspect
import os
import sys
from urllib.parse import unquote

from typing import Any

from moto.awslambda.exceptions import PreconditionFailedException
from moto.awslambda.models import LambdaFunction
from moto.awslambda.responses import LambdaResponse
from moto.cloudformation.models import CloudFormationBackend, Stack, StackInstance
from moto.core.responses import TYPE_RESPONSE
from moto.moto_api._internal import mock_random as random

_FAULTY_LINE = 'revision = self.querystring.get("RevisionId", "")'


def _remove_permission(self: LambdaResponse) -> TYPE_RESPONSE:
    # moto 5.2.5's LambdaResponse.remove_permission, with the RevisionId read fixed.
    function_name = unquote(self.path.split("/")[-3])
    statement_id = self.path.split("/")[-1].split("?")[0]
    revision = self.querystring.get("RevisionId", [""])[0]  # was: .get("RevisionId", "")
    if self.backend.get_function(function_name):
        self.backend.remove_permission(function_name, statement_id, revision)
        return 204, {"status": 204}, "{}"
    else:
        return 404, {"status": 404}, "{}"


def patch_moto() -> bool:
    """Fix RemovePermission's RevisionId read; True if patched, False if moto no longer needs it."""
    if LambdaResponse.remove_permission is _remove_permission:
        return True
    if _FAULTY_LINE not in inspect.getsource(LambdaResponse.remove_permission):
        print(
            "moto_server.py: moto's remove_permission no longer has the RevisionId defect; "
            "running it unpatched (drop this patch)",
            file=sys.stderr,
        )
        return False
    LambdaResponse.remove_permission = _remove_permission  # type: ignore[method-assign]
    return True


_REVISION = "_guardrail_revision_id"
_original_get_configuration = LambdaFunction.get_configuration
_original_update_configuration = LambdaFunction.update_configuration
_original_update_function_code = LambdaFunction.update_function_code


def _revision(fn: LambdaFunction) -> str:
    if not getattr(fn, _REVISION, None):
        setattr(fn, _REVISION, str(random.uuid4()))
    return getattr(fn, _REVISION)


def _check_and_renew(fn: LambdaFunction, sent: str | None) -> None:
    # AWS's message for a stale RevisionId (UpdateFunctionConfiguration, UpdateFunctionCode).
    if sent and sent != _revision(fn):
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
        )
    setattr(fn, _REVISION, str(random.uuid4()))


def _get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
    config = _original_get_configuration(self, on_create)
    config["RevisionId"] = _revision(self)
    return config


def _update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    _check_and_renew(self, config_updates.get("RevisionId"))
    return _original_update_configuration(self, config_updates)


def _update_function_code(self: LambdaFunction, updated_spec: dict[str, Any]) -> dict[str, Any]:
    _check_and_renew(self, updated_spec.get("RevisionId"))
    return _original_update_function_code(self, updated_spec)


def patch_function_revisions() -> bool:
    """Give function configurations a RevisionId that updates honour; False if moto has its own."""
    if LambdaFunction.get_configuration is _get_configuration:
        return True
    if "RevisionId" in inspect.getsource(_original_get_configuration):
        print(
            "moto_server.py: moto's function configurations now carry a RevisionId; "
            "running them unpatched (drop this patch)",
            file=sys.stderr,
        )
        return False
    LambdaFunction.get_configuration = _get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = _update_configuration  # type: ignore[method-assign]
    LambdaFunction.update_function_code = _update_function_code  # type: ignore[method-assign]
    return True


_STACK_SET_INSTANCE_NAME = 'name=f"StackSet:{name}"'
_original_create_stack = CloudFormationBackend.create_stack
_original_instance_to_dict = StackInstance.to_dict


def _create_stack(self: CloudFormationBackend, name: str, *args: Any, **kwargs: Any) -> Stack:
    if name.startswith("StackSet:"):  # only moto's StackSet instances are named so
        name = f"StackSet-{name.removeprefix('StackSet:')}-{random.uuid4()}"
    return _original_create_stack(self, name, *args, **kwargs)


def _instance_to_dict(self: StackInstance) -> dict[str, Any]:
    return {**_original_instance_to_dict(self), "StackId": self.stack.stack_id}


def patch_stack_set_instances() -> bool:
    """Name SELF_MANAGED StackSet instances and report their stacks as AWS does; False if moto no longer needs either."""
    if CloudFormationBackend.create_stack is _create_stack or StackInstance.to_dict is _instance_to_dict:
        return True
    patched = False
    if _STACK_SET_INSTANCE_NAME in inspect.getsource(StackInstance.__init__):
        CloudFormationBackend.create_stack = _create_stack  # type: ignore[method-assign]
        patched = True
    if "generate_stack_id(" in inspect.getsource(_original_instance_to_dict):
        StackInstance.to_dict = _instance_to_dict  # type: ignore[method-assign]
        patched = True
    if not patched:
        print(
            "moto_server.py: moto now names StackSet instances and reports their stacks as AWS does; "
            "running it unpatched (drop this patch)",
            file=sys.stderr,
        )
    return patched


def main(argv: list[str]) -> None:
    if len(argv) > 1 or (argv and not argv[0].isdigit()):
        sys.exit("usage: moto_server.py [PORT]")
    port = argv[0] if argv else "5000"
    patch_moto()
    patch_function_revisions()
    patch_stack_set_instances()
    from moto.server import main as moto_main

    moto_main(["-H", os.environ.get("MOTO_HOST", "127.0.0.1"), "-p", port])


if __name__ == "__main__":
    main(sys.argv[1:])
