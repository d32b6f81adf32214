"""Checks what `sam build` made: each function's artifact holds one jar, in lib/, with its handler's class,
every entry stored (functions/packaging/StoredJar.java) and the manifest first.

Usage: sam_build_check.py [BUILD_DIR]   (default .aws-sam/build; run with the project's .venv, which has SAM CLI)

`sam build` runs each function's Makefile target (BuildMethod: makefile), and a target that copied
another function's jar would deploy a function whose handler class is missing: Lambda would fail its
every invocation; a compressed entry would mean a jar SAM's deflate cannot compress across classes.
Prints one line per function; exits 1 on the first artifact that is wrong.
"""
import os
import sys
import zipfile

from samcli.yamlhelper import yaml_parse


def check(build_dir):
    with open(os.path.join(build_dir, "template.yaml"), encoding="utf-8") as f:
        template = yaml_parse(f.read())
    functions = {name: resource for name, resource in template.get("Resources", {}).items()
                 if resource.get("Type") == "AWS::Serverless::Function"}
    if not functions:
        return f"{build_dir}/template.yaml: no AWS::Serverless::Function"
    for name, resource in sorted(functions.items()):
        properties = resource.get("Properties", {})
        lib = os.path.join(build_dir, properties["CodeUri"], "lib")
        jars = sorted(entry for entry in os.listdir(lib) if entry.endswith(".jar")) if os.path.isdir(lib) else []
        if len(jars) != 1:
            return f"{name}: expected one jar in {lib}, found {jars}"
        handler_class = properties["Handler"].split("::", 1)[0].replace(".", "/") + ".class"
        with zipfile.ZipFile(os.path.join(lib, jars[0])) as jar:
            if handler_class not in jar.namelist():
                return f"{name}: lib/{jars[0]} has no {handler_class}"
            jar.read(handler_class)  # checks its CRC
            compressed = [entry.filename for entry in jar.infolist() if entry.compress_type != zipfile.ZIP_STORED]
            if compressed:
                return f"{name}: lib/{jars[0]}: {len(compressed)} entries compressed, e.g. {compressed[0]}"
            if "META-INF/MANIFEST.MF" not in jar.namelist()[:2]:
                return f"{name}: lib/{jars[0]}: the manifest is not among its first two entries"
        print(f"sam-build-check: {name}: lib/{jars[0]} holds {handler_class}")
    return None


def main(args):
    problem = check(args[0] if args else os.path.join(".aws-sam", "build"))
    if problem:
        print(f"sam-build-check: FAILED: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
