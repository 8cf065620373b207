"""The server files agree with the project: the image builds as the Makefile does, the systemd
unit verifies, and every setting they name is a documented one."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.settings import FALSE_WORDS, PROJECT_ROOT, TRUE_WORDS

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
UNIT = PROJECT_ROOT / "deploy" / "faqbot.service"


def _makefile_variables(text: str) -> dict[str, str]:
    return {name: value.strip() for name, value in
            re.findall(r"^(\w+)\s*[?:]?=\s*(.*)$", text, flags=re.MULTILINE)}


def _expand(line: str, variables: dict[str, str]) -> str:
    for _ in range(5):  # variables that name variables: $(PY) → $(VENV)/bin/python
        line = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), line)
    return line


def makefile_install_steps() -> list[list[str]]:
    """The commands of the rule that `make run` depends on, as argument lists."""
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    variables = _makefile_variables(text)
    run_rule = re.search(r"^run: (\S+)", text, flags=re.MULTILINE)  # its first prerequisite
    assert run_rule is not None
    target = re.escape(run_rule[1])
    recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert recipe is not None
    steps = [shlex.split(_expand(line.strip(), variables)) for line in recipe[1].splitlines()]
    return [step for step in steps if step[0] != "touch"]  # make's own time stamp


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_the_image_installs_with_the_makefiles_steps() -> None:
    wanted = makefile_install_steps()
    assert [step[:3] for step in wanted] == [["python3", "-m", "venv"],
                                             [".venv/bin/python", "-m", "pip"],
                                             [".venv/bin/python", "-m", "pip"]]
    runs = [[shlex.split(part) for part in rest.split("&&")]
            for keyword, rest in dockerfile_instructions() if keyword == "RUN"]
    installs = [steps for steps in runs if steps[0][:3] == wanted[0][:3]]
    assert len(installs) == 1, "one RUN installs faqbot, starting as the Makefile does"
    assert installs[0][:len(wanted)] == wanted


def test_the_image_runs_what_make_run_runs_as_a_non_root_user() -> None:
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run: .*\n\t(.*)$", text, flags=re.MULTILINE)
    assert recipe is not None
    make_run = shlex.split(_expand(recipe[1], _makefile_variables(text)))
    instructions = dict(dockerfile_instructions())
    command = yaml.safe_load(instructions["CMD"])  # the JSON (exec) form
    assert command == [*make_run, "run"]  # `run`: a server never falls back to the chat
    assert instructions["USER"] not in ("root", "0")
    assert instructions["STOPSIGNAL"] == "SIGTERM"
    assert "/healthz" in instructions["HEALTHCHECK"]
    assert set(yaml.safe_load(instructions["VOLUME"])) == {"/app/knowledge", "/data"}
    base = re.fullmatch(r"python:(\d+)\.(\d+)-slim", instructions["FROM"])
    assert base is not None and (int(base[1]), int(base[2])) >= (3, 11)


def test_every_setting_the_server_files_set_is_documented() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(
        encoding="utf-8"), flags=re.MULTILINE))
    env = dict(dockerfile_instructions())["ENV"]
    image = {name for name in re.findall(r"([A-Z_]+)=", env) if not name.startswith("PYTHON")}
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["faqbot"]
    unit = set(re.findall(r"^Environment=([A-Z_]+)=", UNIT.read_text(encoding="utf-8"),
                          flags=re.MULTILINE))
    assert image | set(service["environment"]) | unit <= documented
    assert service["env_file"] == ".env"
    assert service["restart"] == "unless-stopped"
    assert {"./knowledge:/app/knowledge", "faqbot-data:/data"} <= set(service["volumes"])


def test_the_image_leaves_secrets_and_local_state_out() -> None:
    lines = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*"  # everything is left out but what is let back in
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "bot", "knowledge"}
    copied = {part for keyword, rest in dockerfile_instructions() if keyword == "COPY"
              for part in rest.split()[:-1]}
    assert copied <= allowed


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8")
    for line in ("DynamicUser=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/faqbot",
                 "KillSignal=SIGTERM", "Environment=DATABASE_PATH=/var/lib/faqbot/"):
        assert line in text
    # Installed where the unit says, /opt/faqbot is this checkout (verify needs ExecStart).
    unit = tmp_path / "faqbot.service"
    unit.write_text(text.replace("/opt/faqbot", str(PROJECT_ROOT)), encoding="utf-8")
    assert (PROJECT_ROOT / ".venv" / "bin" / "faqbot").exists(), "make test installs it"
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr.strip()) == (0, "")


@pytest.mark.parametrize("word", [*TRUE_WORDS, *FALSE_WORDS])
def test_make_run_installs_the_semantic_extra_for_every_spelling_the_bot_takes_as_on(
        word: str) -> None:
    for spelled in {word, word.upper(), word.title()}:
        dry = subprocess.run(["make", "-n", "-B", "run", f"SEMANTIC={spelled}"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        assert ("'.[semantic]'" in dry.stdout) == (word in TRUE_WORDS), spelled
