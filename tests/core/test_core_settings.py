from pathlib import Path

from plantls.core.rules import is_selected
from plantls.core.settings import Settings, find_config, load_config_file, merge_settings


def test_defaults() -> None:
    s = Settings()
    assert s.model.backend == "none"
    assert s.rules.fail_on == "error"


def test_nested_and_dotted_keys_merge() -> None:
    s, warnings = merge_settings(
        Settings(), {"model": {"backend": "openai"}, "completion.max_tokens": 10}
    )
    assert warnings == []
    assert s.model.backend == "openai"
    assert s.completion.max_tokens == 10


def test_unknown_key_warns_with_suggestion() -> None:
    s, warnings = merge_settings(Settings(), {"modle": {"backend": "x"}})
    assert s == Settings()
    assert len(warnings) == 1
    assert "unknown setting 'modle'" in warnings[0]
    assert "model" in warnings[0]


def test_bad_values_warn_and_keep_default() -> None:
    s, warnings = merge_settings(
        Settings(),
        {"model": {"backend": "gpt"}, "completion": {"enabled": "yes", "max_tokens": -3}},
    )
    assert s == Settings()
    assert len(warnings) == 3
    assert any("model.backend must be one of" in w for w in warnings)


def test_non_table_is_a_warning() -> None:
    s, warnings = merge_settings(Settings(), ["nope"])
    assert s == Settings() and warnings


def test_lists_accept_comma_strings() -> None:
    s, _ = merge_settings(Settings(), {"rules": {"ignore": "ST1, ST201", "fail-on": "warning"}})
    assert s.rules.ignore == ("ST1", "ST201")
    assert s.rules.fail_on == "warning"


def test_config_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.plantls.rules]\nselect = ["ST2"]\n')
    sub = tmp_path / "plc"
    sub.mkdir()
    found = find_config(sub)
    assert found == tmp_path / "pyproject.toml"
    s, warnings = load_config_file(found)
    assert s.rules.select == ("ST2",) and warnings == []
    (tmp_path / "plantls.toml").write_text("[rules\n")
    s, warnings = load_config_file(tmp_path / "plantls.toml")
    assert s == Settings() and "invalid TOML" in warnings[0]


def test_select_and_ignore() -> None:
    assert is_selected("ST201", [], [])
    assert not is_selected("ST201", ["DSS"], [])
    assert not is_selected("ST201", [], ["ST2"])
    assert is_selected("ST201", ["ST201"], ["ST2"])
    assert not is_selected("ST201", ["ST"], ["ST2"])
    assert is_selected("st101", ["ST1"], [])
