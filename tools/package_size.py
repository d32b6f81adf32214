"""Prints, per function jar, the deployment package `sam deploy` would upload for it.

Usage: package_size.py <jar>...   (run with the project's .venv, which has SAM CLI)

`sam build` copies a function's jar into its artifact's lib/ (functions/function.mk); `sam deploy`
zips the artifact with SAM CLI's own make_zip_with_permissions, which this calls on the same layout.
One line per jar: name, package bytes, jar bytes, classes.
"""
import os
import shutil
import sys
import tempfile
import zipfile

from samcli.lib.package.utils import make_zip_with_permissions


def package_bytes(jar):
    with tempfile.TemporaryDirectory() as work:
        artifact = os.path.join(work, "artifact")
        os.makedirs(os.path.join(artifact, "lib"))
        shutil.copy(jar, os.path.join(artifact, "lib"))
        return os.path.getsize(make_zip_with_permissions(os.path.join(work, "package"), artifact, []))


def main(jars):
    if not jars:
        print("usage: package_size.py <jar>...", file=sys.stderr)
        return 2
    for jar in jars:
        with zipfile.ZipFile(jar) as z:
            classes = sum(1 for name in z.namelist() if name.endswith(".class"))
        print(os.path.basename(jar), package_bytes(jar), os.path.getsize(jar), classes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
