"""precis.structured: parse_json_output, JsonSchema, compare_json."""

import threading

import pytest

import precis

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "born": {"type": "integer", "minimum": 1800},
        "occupations": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "city": {"$ref": "#/$defs/city"},
    },
    "required": ["name", "born", "occupations", "city"],
    "additionalProperties": False,
    "$defs": {"city": {"type": "string", "enum": ["Lisbon", "Porto"]}},
}


def test_parse_json_output_repairs_are_visible():
    text = "Sure, here it is:\n```json\n{\"a\": [1, 2,], \"é\": \"ü\"}\n```\nThanks!"
    out = precis.parse_json_output(text)
    assert out["error"] is None
    assert out["value"] == {"a": [1, 2], "é": "ü"}
    kinds = [r["kind"] for r in out["repairs"]]
    assert kinds == ["leading_text", "code_fence", "trailing_comma", "code_fence", "trailing_text"]
    comma = out["repairs"][2]
    assert text[comma["begin"]:comma["end"]] == ","  # offsets index the Python string
    assert text[out["begin"]:out["end"]].startswith("{\"a\"")


def test_parse_json_output_truncated_and_errors():
    out = precis.parse_json_output('{"name": "Ada", "born": 18')
    assert out["value"] is None
    assert out["error"] == {"kind": "truncated", "offset": 26, "byte_offset": 26,
                            "message": "truncated JSON at byte 26: unclosed object starting at byte 0"}
    assert precis.parse_json_output("{'a': 1}")["error"]["kind"] == "syntax"
    assert precis.parse_json_output("no json here")["error"]["kind"] == "empty"
    deep = "[" * 10000 + "]" * 10000
    assert precis.parse_json_output(deep)["error"]["kind"] == "too_deep"
    very_deep = precis.parse_json_output(deep, max_depth=10000)  # C++ accepts; Python cannot build it
    assert very_deep["error"]["kind"] == "too_deep" and very_deep["json"] == deep
    assert very_deep["value"] is None
    assert precis.parse_json_output("[" * 500 + "]" * 500)["value"] is not None
    with pytest.raises(precis.PrecisError, match=r"\[precis.invalid_argument\] json_output_options"):
        precis.parse_json_output("[]", max_depth=0)


def test_lone_surrogate_is_invalid_utf8():
    out = precis.parse_json_output('{"a": "x\ud800"}')
    assert out["error"]["kind"] == "invalid_utf8"
    assert out["error"]["byte_offset"] == 8
    r = precis.JsonSchema({}).validate_batch(['{"a": "\udc00"}', "{}"])
    assert r["valid"] == [False, True]
    assert r["error"][0] == "invalid UTF-8 at byte 7"


def test_offsets_are_code_points():
    out = precis.parse_json_output("héhé {\"x\": 1")
    assert out["error"]["kind"] == "truncated"
    assert out["error"]["offset"] == 12
    assert out["error"]["byte_offset"] == 14


def test_schema_validate_python_values_and_text():
    schema = precis.JsonSchema(PERSON)
    good = {"name": "Ada", "born": 1815, "occupations": ["mathematician"], "city": "Lisbon"}
    r = schema.validate(good)
    assert r == {"score": 1.0, "valid": True, "violations": [],
                 "parse": r["parse"]} and r["parse"]["error"] is None
    bad = {"name": "", "born": 1700.5, "occupations": [], "x/y": 1}
    r = schema.validate(bad)
    assert not r["valid"]
    assert r["violations"] == [
        {"pointer": "/city", "keyword": "required", "message": "required property 'city' is missing"},
        {"pointer": "/name", "keyword": "minLength", "message": "expected at least 1 character, got 0"},
        {"pointer": "/born", "keyword": "type", "message": "expected integer, got number"},
        {"pointer": "/born", "keyword": "minimum", "message": "1700.5 is less than the minimum of 1800"},
        {"pointer": "/occupations", "keyword": "minItems", "message": "expected at least 1 item, got 0"},
        {"pointer": "/x~1y", "keyword": "additionalProperties",
         "message": "additional property 'x/y' is not allowed"},
    ]
    assert r["score"] == 0.0
    partial = schema.validate({"name": "Ada", "born": 1815, "occupations": ["x"]})
    assert partial["score"] == 0.75
    text = "```json\n" + '{"name": "Ada", "born": 1815, "occupations": ["x"], "city": "Porto"}' + "\n```"
    assert schema.validate(text)["valid"]
    assert not schema.validate(text, tolerant=False)["valid"]


def test_schema_errors():
    with pytest.raises(precis.PrecisError, match=r"schema: at /type: unknown type 'str'"):
        precis.JsonSchema({"type": "str"})
    with pytest.raises(precis.PrecisError, match=r"\[precis.parse_error\] schema"):
        precis.JsonSchema("{")


def test_validate_batch_dataframe_and_threads():
    pd = pytest.importorskip("pandas")
    schema = precis.JsonSchema(PERSON)
    docs = [
        {"name": "Ada", "born": 1815, "occupations": ["x"], "city": "Lisbon"},
        'Result: {"name": "Bo", "born": 1900, "occupations": ["y"], "city": "Paris"}',
        '{"name": "Cy"',
    ] * 200
    table = schema.validate_batch(docs, threads=2)
    df = pd.DataFrame(table)
    assert len(df) == 600
    assert list(df.columns) == ["score", "valid", "n_violations", "violations", "repaired", "error"]
    assert df["valid"].tolist()[:3] == [True, False, False]
    assert df["score"].tolist()[:3] == [1.0, 0.75, 0.0]
    assert df["repaired"].tolist()[:3] == [False, True, False]
    assert df["error"][2].startswith("truncated JSON")
    single = [schema.validate(d)["score"] for d in docs[:3]]
    assert single == df["score"].tolist()[:3]

    # Shared across Python threads.
    results = []
    threads = [threading.Thread(target=lambda: results.append(schema.validate_batch(docs[:30])))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r["score"] == results[0]["score"] for r in results)


def test_compare_json():
    gold = {"name": "Ada Lovelace", "born": 1815, "occupations": ["mathematician", "writer"],
            "spouse": {"name": "William King"}}
    out = '```json\n{"name": "ada  lovelace", "born": 1816, "occupations": ["Writer"], "spouse": {}}\n```'
    r = precis.compare_json(out, gold)
    assert [(d["pointer"], d["method"], round(d["score"], 4)) for d in r["details"]] == [
        ("/name", "normalized", 1.0), ("/born", "numeric", 0.0), ("/occupations", "set", 0.6667),
        ("/spouse/name", "missing", 0.0)]
    assert r["fields"] == 4 and r["matched"] == 1 and r["missing"] == 1
    assert r["score"] == pytest.approx((1 + 2 / 3) / 4)
    assert r["details"][3]["actual"] is None
    r = precis.compare_json(out, gold, tolerance=1, rules={"/name": "exact", "/spouse": "ignore"})
    assert [(d["pointer"], d["score"]) for d in r["details"]][:2] == [("/name", 0.0), ("/born", 1.0)]
    assert r["fields"] == 3
    assert precis.compare_json(gold, gold)["score"] == 1.0
    with pytest.raises(precis.PrecisError, match="unknown shorthand"):
        precis.compare_json(out, gold, rules={"/name": "fuzzy"})
    with pytest.raises(precis.PrecisError, match=r"\[precis.parse_error\] gold"):
        precis.compare_json(out, "{")


def test_old_judge_names_still_work_with_a_deprecation_warning():
    # precis.judge held these until 0.2; they are precis.structured's now (precis.judge means LLM
    # judges), and the old names stay for one release as deprecated aliases.
    import precis.judge
    import precis.structured

    for name in ("parse_json_output", "JsonSchema", "ValidationTable", "compare_json"):
        with pytest.warns(DeprecationWarning, match=f"precis.judge.{name} moved to precis.structured"):
            assert getattr(precis.judge, name) is getattr(precis.structured, name)
        assert getattr(precis, name) is getattr(precis.structured, name)
    with pytest.warns(DeprecationWarning):
        from precis.judge import parse_json_output
    assert parse_json_output('```json\n{"a": 1,}\n```')["value"] == {"a": 1}
    with pytest.raises(AttributeError):
        precis.judge.no_such_name  # noqa: B018


def test_pydantic_models_formats_and_the_closest_anyof_branch():
    # Pydantic/instructor interop: a model class wherever a JSON schema is taken; `format`
    # keywords checked (or listed when unknown); a failed anyOf (Pydantic's Optional) names the
    # branch that came closest and why it failed.
    import datetime
    from typing import Optional

    pydantic = pytest.importorskip("pydantic")

    class Pet(pydantic.BaseModel):
        name: str
        born: datetime.date

    class Person(pydantic.BaseModel):
        name: str
        homepage: Optional[pydantic.AnyUrl] = None
        pet: Optional[Pet] = None

    schema = precis.JsonSchema(Person)
    r = schema.validate({"name": "Ann", "pet": {"name": "Rex", "born": "2020-02-30"}})
    assert not r["valid"] and r["violations"] == [
        {"pointer": "/pet", "keyword": "anyOf",
         "message": "does not match any of the 2 schemas in anyOf; closest is branch 0 (credit "
                    "0.50): at /born, format: is not a valid date (expected a date YYYY-MM-DD "
                    "(RFC 3339))"}]
    assert schema.validate({"name": "Ann", "pet": {"name": "Rex", "born": "2020-02-29"}})["valid"]
    bad_url = schema.validate({"name": "Ann", "homepage": "not a url"})["violations"][0]
    assert bad_url["message"].endswith("format: is not a valid uri (expected an absolute URI "
                                       "scheme:... (RFC 3986))")
    assert schema.unchecked_formats == []
    # Pydantic's own verdicts agree on these documents.
    with pytest.raises(pydantic.ValidationError):
        Person.model_validate({"name": "Ann", "pet": {"name": "Rex", "born": "2020-02-30"}})
    Person.model_validate({"name": "Ann", "pet": {"name": "Rex", "born": "2020-02-29"}})

    lax = precis.JsonSchema({"properties": {"d": {"type": "string", "format": "duration"},
                                            "e": {"format": "email"}}}, check_formats=False)
    assert lax.unchecked_formats == [{"pointer": "/properties/d", "format": "duration"},
                                     {"pointer": "/properties/e", "format": "email"}]
    assert lax.validate({"e": "nope"})["valid"]
    assert not precis.JsonSchema({"format": "email"}).validate("nope", tolerant=False)["valid"]
