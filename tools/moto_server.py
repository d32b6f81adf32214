"""Start moto's server on 127.0.0.1:PORT (default 5000) with one defect fixed.

Defect (moto 5.2.x, moto/awslambda/responses.py): LambdaResponse.remove_permission reads
``self.querystring.get("RevisionId", "")``. The query string is a dict of *lists*, so a sent
RevisionId arrives as ``["<id>"]`` and Policy.del_statement compares that list with the stored
string: RemovePermission with any RevisionId, even the current one, fails with
PreconditionFailedException. Real AWS removes the statement when the id is current. The guard
sends the RevisionId it read from GetPolicy, so its tests need AWS's behaviour: we replace that
one handler with moto's own code, reading the first value. Everything else is moto's.
The patch is applied only while moto still has the faulty line (checked by source text).

Usage: .venv/bin/python tools/moto_server.py [PORT]
"""

from __future__ import annotations

import inspect
import sys
from urllib.parse import unquote

from moto.awslambda.responses import LambdaResponse
from moto.core.responses import TYPE_RESPONSE

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


def main(argv: list[str]) -> None:
    if len(argv) > 1 or (argv and not argv[0].isdigit()):
        sys.exit("usage: moto_server.py [PORT]")
    port = argv[0] if argv else "5000"
    patch_moto()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main(sys.argv[1:])
