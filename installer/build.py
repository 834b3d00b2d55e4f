"""Build SafetyDesk for distribution: ``python installer/build.py``.

Steps (each timed):

1. catalogues  — parse every ``resources/locale/**/*.po`` with Babel (the app reads them at runtime,
                 so "compiling" is proving they load) and check Qt ships ``qtbase_ko.qm``;
2. version     — write the Windows version resource ``build/version_info.txt`` from ``__version__``;
   model       — train and evaluate the shipped hazard model into ``resources/ml/hazard_model`` with its
                 training data in ``resources/ml/training`` (``scripts/build_model.py``; reused while
                 its recipe is unchanged);
3. pyinstaller — freeze with ``installer/safetydesk.spec`` into ``dist/SafetyDesk/`` (one folder);
4. self-test   — run the frozen ``SafetyDesk --self-test`` (resources, workspace + migrations, every
                 list query, PDF with Hangul, scikit-learn model save/load, the shipped hazard model reading
                 Korean); a failure stops the build;
   smoke       — the frozen app builds the demo workspace, opens every screen on it (``--screenshot``),
                 packs it into an encrypted ``.sdpack``, unpacks that elsewhere and verifies the copy's
                 audit chain: the imports only a screen or a command makes are exercised too;
5. measure     — bundle size with its largest parts, and the frozen start to the main window
                 (``SAFETYDESK_STARTUP_PROBE=1``) on a temporary workspace;
6. nsis        — ``makensis installer/safetydesk.nsi``. On Windows this is the installer
                 ``dist/SafetyDesk-Setup-<version>.exe``. Elsewhere it packs the Linux bundle only to
                 prove the script compiles (``build/nsis-check/``; not an installer anyone can run).

A summary is printed and written to ``build/build-report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
RESOURCES_ML = ROOT / "resources" / "ml"
BUNDLE = DIST / "SafetyDesk"
WINDOWS = sys.platform == "win32"
EXE = BUNDLE / ("SafetyDesk.exe" if WINDOWS else "SafetyDesk")
SELF_TEST_CHECKS = ("resources", "workspace", "pdf", "model", "hazard-model")

sys.path.insert(0, str(INSTALLER))
from versioninfo import version_numbers, write_version_info  # noqa: E402


class BuildError(RuntimeError):
    pass


@contextmanager
def step(name: str, timings: dict[str, float]) -> Iterator[None]:
    print(f"\n==> {name}", flush=True)
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    print(f"    {name}: {timings[name]:.1f} s", flush=True)


def package_version() -> str:
    text = (ROOT / "src" / "safetydesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise BuildError("__version__ not found in src/safetydesk/__init__.py")
    return match.group(1)


# --- 1. catalogues -------------------------------------------------------------------------------------


def check_catalogues() -> dict[str, int]:
    from babel.messages.pofile import read_po
    from PySide6.QtCore import QLibraryInfo

    counts: dict[str, int] = {}
    for path in sorted((ROOT / "resources" / "locale").glob("*/LC_MESSAGES/*.po")):
        lang = path.parent.parent.name
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
        problems = [f"{m.id!r}: {e}" for m, errors in catalog.check() for e in errors]
        if problems:
            raise BuildError(f"{path.relative_to(ROOT)}: " + "; ".join(problems[:5]))
        translated = sum(1 for m in catalog if m.id and m.string)
        counts[str(path.relative_to(ROOT))] = translated
        print(f"    {path.relative_to(ROOT)}: {translated} messages")
    if not counts:
        raise BuildError("no .po catalogues found under resources/locale")
    qt_translations = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for name in ("qtbase_ko.qm", "qtbase_en.qm"):
        if not (qt_translations / name).is_file():
            raise BuildError(f"Qt translation {name} missing from {qt_translations}")
    print(f"    Qt: qtbase_ko.qm, qtbase_en.qm in {qt_translations}")
    return counts


# --- 2b. the shipped hazard model ----------------------------------------------------------------------


def build_model() -> dict[str, Any]:
    """Train (or reuse, if its recipe is unchanged) ``resources/ml/hazard_model`` and copy the training
    data beside it: the spec bundles all of ``resources/ml``, and the frozen self-test loads the model."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_model.py")], cwd=ROOT, check=False, text=True
    )
    bundle = RESOURCES_ML / "hazard_model"
    if result.returncode != 0 or not (bundle / "model.skops").is_file():
        raise BuildError(f"the shipped hazard model could not be built (exit {result.returncode})")
    meta = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in bundle.iterdir())
    print(f"    hazard model {meta['version']}: {mb(size)}")
    return {"version": meta["version"], "bytes": size}


# --- 3. PyInstaller ------------------------------------------------------------------------------------


def run_pyinstaller(version_file: Path, clean: bool) -> None:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD / "pyinstaller"),
        str(INSTALLER / "safetydesk.spec"),
    ]
    if clean:
        command.insert(3, "--clean")
    env = {**os.environ, "SAFETYDESK_VERSION_FILE": str(version_file)}
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0 or not EXE.is_file():
        raise BuildError(f"PyInstaller failed (exit {result.returncode})")


# --- 4. self-test --------------------------------------------------------------------------------------


def frozen_env() -> dict[str, str]:
    env = {**os.environ}
    # Headless Linux (CI) has no display; on Windows the native platform works on a CI runner too.
    if not WINDOWS and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("SAFETYDESK_LANG", None)
    return env


def run_self_test() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="safetydesk-frozen-") as home:
        # A scratch working directory, so nothing can resolve against the source checkout.
        result = subprocess.run(
            [str(EXE), "--self-test"],
            cwd=home,
            env=frozen_env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=600,
            check=False,
        )
    output = (result.stdout + result.stderr).strip()
    print("\n".join(f"    | {line}" for line in output.splitlines()))
    missing = [name for name in SELF_TEST_CHECKS if f"ok   {name} " not in result.stdout]
    if result.returncode != 0 or "self-test passed" not in result.stdout or missing:
        raise BuildError(
            f"frozen self-test failed (exit {result.returncode}; checks not ok: {', '.join(missing) or '-'})"
        )
    return output.splitlines()


def run_smoke() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="safetydesk-smoke-") as tmp:
        workspace, shots = Path(tmp) / "demo", Path(tmp) / "shots"
        env = frozen_env()
        env.setdefault("QT_QPA_PLATFORM", "offscreen")  # screenshots need no desktop
        secret, pack, moved = Path(tmp) / "password.txt", Path(tmp) / "demo.sdpack", Path(tmp) / "moved"
        secret.write_text("smoke-test password", encoding="utf-8")
        for args in (
            ["demo", "--workspace", str(workspace)],
            ["--workspace", str(workspace), "--screenshot", str(shots)],
            # the encrypted package round trip exercises the bundled cryptography (Rust) extension
            ["pack", "--workspace", str(workspace), "--out", str(pack), "--password-file", str(secret)],
            ["unpack", str(pack), "--workspace", str(moved), "--password-file", str(secret)],
            ["--lang", "en", "verify", "--workspace", str(moved)],
        ):
            result = subprocess.run(
                [str(EXE), *args],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=600,
                check=False,
            )
            if result.returncode != 0:
                tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
                raise BuildError(
                    f"frozen `SafetyDesk {' '.join(args[:1])}` failed (exit {result.returncode}):\n{tail}"
                )
        screens = sorted(p.name for p in shots.glob("*.png"))
        verified = result.stdout.strip().splitlines()[-1]
    if not screens:
        raise BuildError("the frozen app saved no screenshots")
    print(f"    demo workspace built; {len(screens)} screens opened; {verified}")
    return {"screens": screens, "verify": verified}


# --- 5. measure ----------------------------------------------------------------------------------------


def tree_size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def measure_bundle() -> dict[str, Any]:
    internal = BUNDLE / "_internal"
    parts = [p for p in BUNDLE.iterdir() if p != internal]
    parts += list(internal.iterdir()) if internal.is_dir() else []
    entries = sorted(((tree_size(p), p.relative_to(BUNDLE).as_posix()) for p in parts), reverse=True)
    files = sorted(
        (
            (p.stat().st_size, p.relative_to(BUNDLE).as_posix())
            for p in BUNDLE.rglob("*")
            if p.is_file() and not p.is_symlink()
        ),
        reverse=True,
    )
    total = sum(size for size, _name in files)
    dangling = [
        p.relative_to(BUNDLE).as_posix() for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()
    ]
    if dangling:
        raise BuildError(f"dangling links in the bundle: {', '.join(dangling)}")
    print(f"    bundle {BUNDLE.relative_to(ROOT)}: {mb(total)} in {len(files)} files")
    print("    largest parts:")
    for size, name in entries[:10]:
        print(f"      {mb(size):>9}  {size / total:5.1%}  {name}")
    print("    largest files:")
    for size, name in files[:10]:
        print(f"      {mb(size):>9}  {name}")
    return {
        "bytes": total,
        "files": len(files),
        "largest_parts": [{"path": name, "bytes": size} for size, name in entries[:10]],
        "largest_files": [{"path": name, "bytes": size} for size, name in files[:10]],
    }


def probe_start(workspace: Path) -> dict[str, Any]:
    """Start the frozen app on ``workspace`` with the start-up probe; time to the main window."""
    env = {**frozen_env(), "SAFETYDESK_STARTUP_PROBE": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(EXE), "--lang", "ko", "--workspace", str(workspace)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    result: dict[str, Any] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            key, _sep, value = line.strip().partition("=")
            if key == "startup_ms":
                result["wall_ms"] = round((time.perf_counter() - started) * 1000)
                result["startup_ms"] = int(value)
            elif key == "qt_translations":
                result["qt_translations"] = value
        process.wait(timeout=120)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        raise BuildError("the frozen app did not reach its main window within 120 s") from exc
    if process.returncode != 0 or "startup_ms" not in result:
        raise BuildError(f"start-up probe failed (exit {process.returncode})")
    return result


def measure_start(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="safetydesk-start-") as tmp:
        workspace = Path(tmp) / "workspace"
        first = probe_start(workspace)  # creates and migrates the workspace
        again = [probe_start(workspace) for _ in range(runs)]
    if first.get("qt_translations") != "ko":
        raise BuildError(
            f"Qt's Korean strings were not loaded (qt_translations={first.get('qt_translations')})"
        )
    wall = statistics.median(r["wall_ms"] for r in again)
    inner = statistics.median(r["startup_ms"] for r in again)
    print(
        f"    first start (new workspace): {first['wall_ms']} ms to the main window "
        f"({first['startup_ms']} ms inside the app)"
    )
    print(
        f"    start on that workspace, median of {runs}: {wall:.0f} ms to the main window "
        f"({inner:.0f} ms from importing safetydesk); Qt translations: {first['qt_translations']}"
    )
    return {"first_start": first, "runs": again, "median_wall_ms": wall, "median_startup_ms": inner}


# --- 6. NSIS -------------------------------------------------------------------------------------------


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    return None


def run_makensis(version: str, compressor: str) -> dict[str, Any]:
    makensis = find_makensis()
    if makensis is None:
        raise BuildError(
            "makensis not found: install NSIS (Debian: apt-get install nsis; Windows: choco install nsis)"
        )
    if WINDOWS:
        out = DIST / f"SafetyDesk-Setup-{version}.exe"
    else:
        out = BUILD / "nsis-check" / f"SafetyDesk-Setup-{version}-linux-payload.exe"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    defines = {
        "BUNDLE_DIR": str(BUNDLE),
        "VERSION": version,
        "VERSION4": ".".join(map(str, version_numbers(version))),
        "APP_EXE": EXE.name,
        "OUTFILE": str(out),
        "COMPRESSOR": compressor,
    }
    command = [
        makensis,
        "-V2",
        *(f"-D{k}={v}" for k, v in defines.items()),
        str(INSTALLER / "safetydesk.nsi"),
    ]
    result = subprocess.run(command, cwd=INSTALLER, check=False)
    if result.returncode != 0 or not out.is_file():
        raise BuildError(f"makensis failed (exit {result.returncode})")
    size = out.stat().st_size
    if WINDOWS:
        print(f"    installer: {out.relative_to(ROOT)} ({mb(size)}, {compressor})")
    else:
        print(
            f"    NSIS script compiles. Test output with the Linux bundle as payload: {mb(size)} ({compressor}) "
            f"in {out.relative_to(ROOT)} — a compile check, not the Windows installer's size"
        )
    return {"path": str(out), "bytes": size, "compressor": compressor, "windows_installer": WINDOWS}


# --- main ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--skip-nsis", action="store_true", help="stop after the frozen self-test and measurements"
    )
    parser.add_argument(
        "--nsis-compressor",
        choices=("lzma", "zlib", "none"),
        default="lzma",
        help="NSIS compression: lzma for releases (default); none is a quick compile check",
    )
    parser.add_argument(
        "--start-runs", type=int, default=3, help="start-up measurements after the first (default 3)"
    )
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args(argv)

    version = package_version()
    timings: dict[str, float] = {}
    report: dict[str, Any] = {"version": version, "platform": sys.platform}
    started = time.perf_counter()
    print(f"SafetyDesk {version} — building on {sys.platform} with Python {sys.version.split()[0]}")
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("catalogues", check_catalogues),
        ("version", lambda: str(write_version_info(BUILD / "version_info.txt", version))),
        ("model", build_model),
        ("pyinstaller", lambda: run_pyinstaller(BUILD / "version_info.txt", args.clean)),
        ("self-test", run_self_test),
        ("smoke", run_smoke),
        ("bundle size", measure_bundle),
        ("start-up", lambda: measure_start(args.start_runs)),
    ]
    if not args.skip_nsis:
        steps.append(("nsis", lambda: run_makensis(version, args.nsis_compressor)))
    try:
        for name, action in steps:
            with step(name, timings):
                report[name] = action()
    except BuildError as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    total = time.perf_counter() - started
    report["timings_s"] = {**{k: round(v, 1) for k, v in timings.items()}, "total": round(total, 1)}
    BUILD.mkdir(exist_ok=True)
    (BUILD / "build-report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    start = report["start-up"]
    print(
        f"\nSafetyDesk {version} built in {total:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})"
    )
    print(f"  bundle   {BUNDLE.relative_to(ROOT)}: {mb(report['bundle size']['bytes'])}")
    print(f"  start    {start['median_wall_ms']:.0f} ms to the main window (frozen, median)")
    if "nsis" in report:
        label = "installer" if WINDOWS else "NSIS compile check (Linux payload)"
        print(f"  {label}: {mb(report['nsis']['bytes'])}  {report['nsis']['path']}")
    print(f"  report   {(BUILD / 'build-report.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
