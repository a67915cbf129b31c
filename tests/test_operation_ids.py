"""Every API operation names itself, so moving a module never renames an operation."""

from api.main import api


def test_every_operation_has_an_explicit_operation_id():
    unnamed = [
        f"{','.join(op.methods)} {path}"
        for _prefix, router in api._routers
        for path, view in router.path_operations.items()
        for op in view.operations
        if not op.operation_id
    ]
    assert unnamed == []


def test_operation_ids_are_unique_and_read_as_verb_noun():
    ids = [
        op["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for op in path.values()
    ]
    assert len(ids) == len(set(ids))
    # Generated ids carry the module path ("inspections_violations_api_record_list").
    assert not [name for name in ids if "_api_" in name]
