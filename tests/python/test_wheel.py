"""The repaired wheel travels: installed into a fresh venv, it imports and scores with the build
tree off the path and the system's copies of the libraries it bundles hidden.

`./dev.sh test` builds the wheel (`pip wheel .`, build isolation), repairs it with auditwheel and
passes it as PRECIS_WHEEL; without it these tests are skipped (say `./dev.sh wheel` to make one).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

import precis

WHEEL = os.environ.get("PRECIS_WHEEL")
needs_wheel = pytest.mark.skipif(not WHEEL, reason="PRECIS_WHEEL not set (./dev.sh wheel)")

# What the travelling precis computes must equal the build tree's numbers: ASCII and Unicode text
# through ICU (NFKC, word and sentence breaks), libstemmer and the ROUGE/BLEU/chrF kernels.
PROBE = r"""
import json, sys
import precis
out = {
    "file": precis.__file__,
    "rouge": precis.rouge("The cats sat on the mat.", "A cat sat on a mat.", use_stemmer=True),
    "bleu": precis.bleu("the cat sat on the mat", ["the cat is on the mat"])["score"],
    "chrf": precis.chrf("Größere Häuser", ["grössere Häuser"])["score"],
    "tokens": precis.tokenize("ＡＢＣ 東京都に住んでいます。 สวัสดีครับ"),
    "sentences": precis.split_sentences("Dr. Smith went home. He slept! Did he?"),
    "normalized": precis.normalize("ﬁne Ｔｅｘｔ"),
}
json.dump(out, sys.stdout, default=str)
"""


def _base_python():
    """An interpreter outside any venv, to make a fresh one from."""
    return getattr(sys, "_base_executable", None) or sys.executable


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv (no system site-packages) with the repaired wheel and its pandas extra."""
    root = tmp_path_factory.mktemp("wheel-venv")
    subprocess.run([_base_python(), "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    f"{WHEEL}[pandas]"], check=True)
    return root, python


def _clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LD_LIBRARY_PATH", "PYTHONHOME", "LD_PRELOAD")}
    return env


def _probe(cmd, cwd):
    run = subprocess.run(cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _expected():
    """PROBE run by this interpreter, against the build tree the suite imports."""
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(Path(precis.__file__).parents[1])))
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    out.pop("file")
    return out


def _core_library(venv_root):
    found = list(Path(venv_root).rglob("site-packages/precis/_core*.so"))
    assert len(found) == 1, found
    return found[0]


def _wheel_policy():
    """auditwheel's manylinux policy that names this wheel's platform tag."""
    tag = re.search(r"-(manylinux_\d+_\d+)_(\w+)\.whl$", Path(WHEEL).name)
    assert tag, f"{WHEEL} carries no manylinux tag: not repaired?"
    policies = json.loads((resources.files("auditwheel") / "policy" / "manylinux-policy.json")
                          .read_text())
    for policy in policies:
        if policy["name"] == tag.group(1) or tag.group(1) in policy.get("aliases", []):
            return policy
    pytest.fail(f"no auditwheel policy for {tag.group(1)}")


@needs_wheel
def test_wheel_bundles_what_it_needs_and_names_its_glibc_floor():
    names = zipfile.ZipFile(WHEEL).namelist()
    bundled = [n for n in names if n.startswith("precis.libs/")]
    for lib in ("libicuuc", "libicui18n", "libicudata", "libboost_locale", "libstemmer",
                "libsqlite3"):
        assert any(Path(n).name.startswith(lib) for n in bundled), (lib, bundled)
    assert any(re.fullmatch(r"precis/_core.*\.so", n) for n in names)
    assert "precis/bin/precis" in names
    assert "precis/py.typed" in names and "precis/__init__.py" in names
    show = subprocess.run([sys.executable, "-m", "auditwheel", "show", WHEEL],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r'consistent with\s+the following platform tag:\s*"manylinux_\d+_\d+', show), show


@needs_wheel
def test_installed_wheel_loads_only_its_own_copies_and_the_allow_list(installed):
    root, _ = installed
    core = _core_library(root)
    allowed = set(_wheel_policy()["lib_whitelist"])
    libs_dir = core.parent.parent / "precis.libs"
    for binary in (core, core.parent / "bin" / "precis"):  # the module and the command
        ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True,
                             env=_clean_env(), check=True).stdout
        outside = []
        for line in ldd.splitlines():
            m = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
            if not m:
                continue  # the vdso and the dynamic loader
            name, path = m.groups()
            assert path != "not", f"unresolved: {line}"
            if Path(path).resolve().parent != libs_dir.resolve() and name not in allowed:
                outside.append(line.strip())
        assert not outside, f"{binary.name} loads from outside the wheel:\n" + ldd


@needs_wheel
def test_installed_wheel_scores_like_the_build_tree(installed):
    root, python = installed
    got = _probe([str(python), "-c", PROBE], cwd=root)
    assert got.pop("file").startswith(str(root / "venv")), "imported precis from outside the venv"
    assert got == _expected()


@needs_wheel
def test_installed_wheel_carries_the_command(installed, tmp_path):
    """`precis score` (the compiled command inside the wheel) and `precis report` (Python)."""
    root, _ = installed
    command = root / "venv" / "bin" / "precis"
    data = Path(__file__).resolve().parents[2] / "examples" / "data"
    out = tmp_path / "scores.jsonl"
    run = subprocess.run([str(command), "score", str(data / "articles.jsonl"), "-o", str(out),
                          "--metrics", "rouge1,bleu"], capture_output=True, text=True,
                         env=_clean_env(), cwd=tmp_path)
    assert run.returncode in (0, 3), run.stderr  # 3: some example records are meant to fail
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10 and any(isinstance(r.get("rouge1"), float) for r in rows)
    run = subprocess.run([str(command), "report", str(data / "biographies.jsonl"), "-o",
                          str(tmp_path / "r.html"), "--system", "kind", "--max-records", "10"],
                         capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.html").stat().st_size > 10_000


@needs_wheel
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="hiding system libraries needs root and unshare (a mount namespace)")
def test_installed_wheel_works_with_the_system_libraries_hidden(installed):
    """In a private mount namespace, /dev/null replaces every system library the wheel bundles."""
    root, python = installed
    bundled = {re.sub(r"-[0-9a-f]{8}(\.so)", r"\1", p.name)
               for p in (_core_library(root).parent.parent / "precis.libs").iterdir()}
    ldconfig = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    system = {os.path.realpath(path) for path in re.findall(r"=> (\S+)$", ldconfig, re.M)}
    hidden = sorted(path for path in system if Path(path).name in bundled)
    assert any("libicuuc" in h for h in hidden), (bundled, hidden)
    script = "".join(f"mount --bind /dev/null {h} && " for h in hidden)
    # The same process first proves the hiding works: loading a hidden library must fail.
    check = ("import ctypes, sys\n"
             f"try:\n    ctypes.CDLL({hidden[0]!r})\nexcept OSError:\n    pass\n"
             "else:\n    sys.exit('system library still loadable')\n")
    got = _probe(["unshare", "-m", "sh", "-c",
                  f'{script} "$0" -c "$1" && exec "$0" -c "$2"', str(python), check, PROBE],
                 cwd=root)
    got.pop("file")
    assert got == _expected()


@pytest.mark.skipif(not os.environ.get("PRECIS_EXPECT_INSTALLED"),
                    reason="the suite runs against the build tree")
def test_imported_from_the_installed_wheel():
    """When ./dev.sh test runs the suite against the installed wheel, precis comes from there."""
    assert precis.__file__.startswith(os.environ["PRECIS_EXPECT_INSTALLED"]), precis.__file__
