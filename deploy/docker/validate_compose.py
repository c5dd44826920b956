"""Checks a compose file offline; run by `npm test` (deploy/test/k8s.test.js).

    python validate_compose.py [--build] FILE

Validates it against the Compose Specification's JSON schema (compose-spec.json beside this file, from
compose-go v2.10.0's schema/), then what the schema cannot see: every service runs an image (or, with
--build, an image or a build), and every service, secret and named volume it names is defined. Exits 1 with one line per problem.
"""

import json
import os
import sys

import jsonschema
import yaml


def problems(doc, schema, build):
    for error in jsonschema.Draft7Validator(schema).iter_errors(doc):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        yield f"{where}: {error.message}"
    services = doc.get("services") or {}
    secrets = doc.get("secrets") or {}
    volumes = doc.get("volumes") or {}
    for name, service in services.items():
        if "image" not in service and not (build and "build" in service):
            yield f"services/{name}: no image" + ("" if build else " (production runs built images)")
        depends = service.get("depends_on") or {}
        for dep in depends if isinstance(depends, (dict, list)) else []:
            if dep not in services:
                yield f"services/{name}/depends_on: no service {dep!r}"
        for secret in service.get("secrets") or []:
            ref = secret if isinstance(secret, str) else secret.get("source")
            if ref not in secrets:
                yield f"services/{name}/secrets: no secret {ref!r}"
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            if source and not source.startswith((".", "/", "$")) and source not in volumes:
                yield f"services/{name}/volumes: no volume {source!r}"


def main():
    args = sys.argv[1:]
    build = args[:1] == ["--build"]
    if build:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: validate_compose.py [--build] FILE")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "compose-spec.json")) as f:
        schema = json.load(f)
    with open(args[0]) as f:
        doc = yaml.safe_load(f)
    found = list(problems(doc, schema, build))
    for p in found:
        print(f"FAIL  {p}")
    print(f"{len(doc.get('services') or {})} services checked, {len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
