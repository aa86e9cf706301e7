"""Validates OCSF Detection Findings (a JSON array on stdin) with py-ocsf-models, as Prowler does.

py-ocsf-models' pydantic models ignore attributes they do not define, so a misplaced attribute
(`finding_info.name`, which OCSF does not define) would pass them silently: every key of the input
is also checked against the model it belongs to, recursively. OCSF attributes the schema version
declares but the model does not implement yet are listed in EXTRA and checked here by hand.

Prints {"ocsf_version", "count", "invalid": [{"index", "uid", "errors"}]} on stdout.
"""

import json
import sys
import typing

from pydantic import BaseModel, ValidationError
from py_ocsf_models import OCSF_VERSION
from py_ocsf_models.events.findings.detection_finding import DetectionFinding


def key_value_objects(value):
    """OCSF 1.5 `key_value_object[]`: `name` required, a string `value`."""
    if not isinstance(value, list):
        return ["must be an array of key_value_object"]
    errors = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            errors.append(f"[{i}]: needs a non-empty string name")
        elif set(item) - {"name", "value"} or not isinstance(item.get("value"), str):
            errors.append(f"[{i}]: only name and a string value")
    return errors


# OCSF 1.5.0 attributes py-ocsf-models does not model: `resource_details.tags` (from `_resource`).
EXTRA = {("ResourceDetails", "tags"): key_value_objects}


def model_in(annotation):
    """The pydantic model inside Optional[...] / list[...] annotations, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found:
            return found
    return None


def unknown_attributes(model, data, path):
    errors = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            errors += unknown_attributes(model, item, f"{path}[{i}]")
        return errors
    if not isinstance(data, dict):
        return errors
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        field = model.model_fields.get(key)
        if field is None:
            check = EXTRA.get((model.__name__, key))
            if check is None:
                errors.append(f"{where}: not an attribute of {model.__name__}")
            else:
                errors += [f"{where}{e}" for e in check(value)]
            continue
        inner = model_in(field.annotation)
        if inner is not None:
            errors += unknown_attributes(inner, value, where)
    return errors


def main():
    events = json.load(sys.stdin)
    invalid = []
    for index, event in enumerate(events):
        errors = []
        try:
            DetectionFinding.model_validate(event)
        except ValidationError as error:
            errors += [
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            ]
        errors += unknown_attributes(DetectionFinding, event, "")
        if errors:
            uid = (event.get("finding_info") or {}).get("uid")
            invalid.append({"index": index, "uid": uid, "errors": errors})
    json.dump({"ocsf_version": OCSF_VERSION, "count": len(events), "invalid": invalid}, sys.stdout)


if __name__ == "__main__":
    main()
