"""Checks what `sam build` made: each function's artifact holds one jar, in lib/, with its handler's class.

Usage: sam_build_check.py [BUILD_DIR]   (default .aws-sam/build; run with the project's .venv, which has SAM CLI)

`sam build` runs each function's Makefile target (BuildMethod: makefile), and a target that copied
another function's jar would deploy a function whose handler class is missing: Lambda would fail its
every invocation. Prints one line per function; exits 1 on the first artifact that is wrong.
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
