"""Deep JSON through the Python API on a thread with a 256 KB stack (docs/reliability.md): the
C++ side never recurses on nesting depth, so nothing here may crash the interpreter."""
import threading

import precis
from precis import structured


def on_small_stack(fn, size=256 * 1024):
    result = {}

    def target():
        try:
            result["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - carried back to the test
            result["error"] = e

    old = threading.stack_size(size)
    try:
        t = threading.Thread(target=target)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    if "error" in result:
        raise result["error"]
    return result["value"]


DEEP = "[" * 10000 + "]" * 10000


def test_parse_validate_compare_deep_on_small_stack():
    def work():
        parsed = precis.parse_json_output(DEEP, max_depth=10000)
        schema = structured.JsonSchema({"type": "array", "items": {"$ref": "#"}}, max_depth=10000)
        checked = schema.validate(DEEP, tolerant=False)
        compared = precis.compare_json(DEEP, DEEP)
        claims = precis.structured_citations(DEEP, ["a source"], max_depth=10000)
        return parsed, checked, compared, claims

    parsed, checked, compared, claims = on_small_stack(work)
    assert parsed["json"] == DEEP
    assert checked["valid"] is False
    assert [v["keyword"] for v in checked["violations"]] == ["$ref"]
    assert compared["parse"]["error"]["kind"] == "too_deep" and compared["score"] == 0.0
    assert claims["claims"] == 0
