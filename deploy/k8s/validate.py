"""Validates rendered Kubernetes manifests offline; run by `npm test` (deploy/test/k8s.test.js).

    python validate.py --crds deploy/k8s/crds [--kubernetes-version 1.33] FILE... ('-' reads stdin)

Built-in kinds are checked by kubernetes-validate against the Kubernetes OpenAPI schemas it bundles, in
strict mode (an unknown field fails, as `kubectl apply --validate=strict` would). A custom resource is
checked against the openAPIV3Schema of the committed CRD that defines its group, version and kind, made
strict the same way (unknown fields fail unless the schema preserves them). A kind that neither knows
fails. Prints one line per resource; exits 1 on any failure, 2 when there is nothing to check.
"""

import argparse
import copy
import glob
import os
import sys

import jsonschema
import kubernetes_validate
import yaml


def strict(schema):
    """The schema with `additionalProperties: false` wherever it lists properties and allows no others."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def load_crds(directory):
    """{(apiVersion, kind): strict JSON schema} for every served version of every CRD in `directory`."""
    schemas = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != "CustomResourceDefinition":
                    continue
                spec = doc["spec"]
                for version in spec["versions"]:
                    if not version.get("served", True):
                        continue
                    schema = strict(version["schema"]["openAPIV3Schema"])
                    # apiVersion, kind and metadata are the API server's; the CRD leaves metadata open.
                    schema.setdefault("properties", {})["metadata"] = {"type": "object"}
                    schemas[(f"{spec['group']}/{version['name']}", spec["names"]["kind"])] = schema
    return schemas


def documents(paths):
    for path in paths:
        f = sys.stdin if path == "-" else open(path)
        try:
            for doc in yaml.safe_load_all(f):
                if doc:
                    yield path, doc
        finally:
            if f is not sys.stdin:
                f.close()


def main():
    parser = argparse.ArgumentParser(description="validate rendered Kubernetes manifests offline")
    parser.add_argument("--crds", required=True, help="directory of CustomResourceDefinition YAML files")
    parser.add_argument("--kubernetes-version", default="1.33")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    crds = load_crds(args.crds)
    checked = failed = 0
    for path, doc in documents(args.files):
        checked += 1
        name = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        key = (doc.get("apiVersion"), doc.get("kind"))
        try:
            if key in crds:
                jsonschema.validate(doc, crds[key])
                via = "CRD schema"
            else:
                kubernetes_validate.validate(doc, args.kubernetes_version, strict=True)
                via = f"Kubernetes {args.kubernetes_version} schema"
            print(f"ok    {name} ({via})")
        except jsonschema.ValidationError as e:
            failed += 1
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"FAIL  {name} in {path}: {where}: {e.message}")
        except kubernetes_validate.utils.SchemaNotFoundError:
            failed += 1
            print(f"FAIL  {name} in {path}: no schema for {key[0]} {key[1]} (built in, or a CRD in {args.crds})")
    print(f"{checked} resources checked, {failed} failed")
    if checked == 0:
        sys.exit(2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
