import json

import pytest

from reputation.cli import main
from reputation.storage import redact_uri


def test_help_lists_the_working_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "demo" in out
    assert "setup" in out


def test_bad_config_exits_2_naming_the_key(clean_env, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[sentiment]\nbatch_sise = 3\n", encoding="utf-8")
    assert main(["--config", str(path), "demo"]) == 2
    err = capsys.readouterr().err
    assert "sentiment.batch_sise: unknown setting" in err
    assert "Traceback" not in err


@pytest.mark.integration
def test_unreachable_mongo_is_a_clear_error_without_the_password(clean_env, tmp_path, capsys):
    clean_env.setenv(
        "REPUTATION_MONGO_URI", "mongodb://ana:s3cr3t-pw@127.0.0.1:1/?directConnection=true"
    )
    clean_env.setenv("REPUTATION_MONGO__TIMEOUT_MS", "300")
    clean_env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    assert main(["demo", "--json"]) == 1
    captured = capsys.readouterr()
    assert "MongoDB at mongodb://***@127.0.0.1:1/" in captured.err
    assert "s3cr3t-pw" not in captured.err + captured.out
    assert "Traceback" not in captured.err


def test_redact_uri():
    assert redact_uri("mongodb+srv://u:p@h.example/db") == "mongodb+srv://***@h.example/db"
    assert redact_uri("mongodb://h:1/") == "mongodb://h:1/"
    hidden = redact_uri(
        "mongodb://h/?replicaSet=rs0&authMechanismProperties=AWS_SESSION_TOKEN:abc"
        "&tlsCertificateKeyFilePassword=pw"
    )
    assert hidden == (
        "mongodb://h/?replicaSet=rs0&authMechanismProperties=***&tlsCertificateKeyFilePassword=***"
    )


def test_invalid_mongo_uri_is_a_clear_error(clean_env, tmp_path, capsys):
    clean_env.setenv("REPUTATION_MONGO_URI", "mongodb://user:pw@host:notaport/")
    clean_env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    assert main(["demo"]) == 1
    err = capsys.readouterr().err
    assert "MongoDB URI" in err
    assert "pw" not in err.replace("pw@", "")  # nothing of the password
    assert "Traceback" not in err


def test_classify_refuses_to_overwrite_its_input(clean_env, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    assert main(["classify", "--input", str(path), "--output", str(path)]) == 2
    assert "same file" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == '{"text": "x"}\n'


def test_refit_offsets_of_a_missing_file_is_a_clear_error(clean_env, tmp_path, capsys):
    missing = tmp_path / "no-such.safetensors"
    out = tmp_path / "out.safetensors"
    assert main(["train", "--refit-offsets", str(missing), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip() == f"reputation: configuration error: --refit-offsets: no such file: {missing}"
    )
    assert not out.exists()


def test_eval_names_a_bad_line_before_loading_the_model(clean_env, tmp_path, capsys):
    # A plugin backend that fails the test if it is ever built: the file is read first.
    clean_env.setenv("REPUTATION_SENTIMENT__BACKEND", "tests.unit.test_cli:no_model")
    path = tmp_path / "gold.jsonl"
    rows = ['{"text": "ótimo", "label": "positive"}', '{"text": "ruim", "label": "NEG"}']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: not a labelled example: label 'NEG'" in err
    assert "Traceback" not in err


def no_model(settings, progress):
    raise AssertionError("the model was loaded before the labelled file was read")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--epochs", "0"], "--epochs must be a number above 0, not 0.0"),
        (["--lr", "nan"], "--lr must be a number above 0, not nan"),
        (["--cap", "0"], "--cap must be at least 1, not 0"),
        (["--lr-decay", "1.5"], "--lr-decay must be above 0 and at most 1, not 1.5"),
        (["--init", "/no/such.safetensors"], "--init: no such file: /no/such.safetensors"),
    ],
)
def test_train_refuses_bad_options_before_any_work(clean_env, tmp_path, capsys, options, message):
    # Before: --cap 0 ended in a ZeroDivisionError, --epochs 0 started reading the data.
    out = tmp_path / "w.safetensors"
    argv = ["train", "--datasets", str(tmp_path), "--out", str(out), "--no-overrides", *options]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"reputation: configuration error: {message}"
    assert not out.exists()


def test_train_checks_where_it_will_write_before_training(clean_env, tmp_path, capsys):
    # Training takes hours; an unwritable --out used to fail only at the end.
    missing = tmp_path / "no-such-dir" / "w.safetensors"
    argv = ["train", "--datasets", str(tmp_path), "--no-overrides"]
    assert main([*argv, "--out", str(missing)]) == 2
    assert f"--out: no such directory: {missing.parent}" in capsys.readouterr().err
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def fake_model(settings, progress):
    from tests.fakes import FakeSentimentModel

    return FakeSentimentModel()


def test_a_line_that_is_not_utf8_is_an_error_line_not_a_guess(clean_env, tmp_path, capsys):
    # Read with errors="replace", "Péssimo" saved as Latin-1 went to the model as "P\ufffdssimo".
    clean_env.setenv("REPUTATION_SENTIMENT__BACKEND", "tests.unit.test_cli:fake_model")
    src = tmp_path / "latin1.jsonl"
    src.write_bytes(
        '{"text": "Péssimo"}\n{"text": "Ótimo"}\n'.encode("latin-1") + b'{"text": "ok"}\n'
    )
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {
        "error": "line 1: not UTF-8 (byte 0xE9 at character 12); save the file as UTF-8"
    }
    assert rows[1]["error"].startswith("line 2: not UTF-8 (byte 0xD3")
    assert rows[2]["sentiment"]["label"]
    assert main(["eval", str(src)]) == 2
    assert f"{src}:1: not UTF-8 (byte 0xE9" in capsys.readouterr().err


def test_train_without_mongodb_says_how_to_train_without_overrides(clean_env, tmp_path, capsys):
    clean_env.setenv(
        "REPUTATION_MONGO_URI", "mongodb://u:s3cr3t@127.0.0.1:1/?directConnection=true"
    )
    clean_env.setenv("REPUTATION_MONGO__TIMEOUT_MS", "300")
    out = tmp_path / "w.safetensors"
    assert main(["train", "--datasets", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--no-overrides trains on the datasets alone" in err
    assert "s3cr3t" not in err
    assert not out.exists()


def test_a_reader_that_stops_early_ends_classify_quietly(clean_env, tmp_path, capsys, monkeypatch):
    # `reputation classify ... | head -1` ended in a BrokenPipeError traceback.
    import io

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    clean_env.setenv("REPUTATION_SENTIMENT__BACKEND", "tests.unit.test_cli:fake_model")
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ok"}\n' * 3, encoding="utf-8")
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["classify", "--input", str(src)]) == 141
    assert "Traceback" not in capsys.readouterr().err
