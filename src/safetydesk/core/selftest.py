"""``safetydesk --self-test``: prove an installation works end to end (the frozen build runs this).

It exercises what frozen builds break on: bundled data files (fonts, templates, legal data,
catalogues), the database with its migrations, the audit chain, the list queries (modules imported
by name), a PDF render with Hangul, and scikit-learn + skops (fit, save, load and predict with a
small pipeline: the compiled modules a saved model needs are exactly what a freezer misses).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safetydesk.core.workspace.workspace import Workspace


def run_self_test(say: Callable[[str], None]) -> int:
    checks: list[tuple[str, Callable[[Path], str]]] = [
        ("resources", _check_resources),
        ("workspace", _check_workspace),
        ("pdf", _check_pdf),
        ("model", _check_model),
        ("hazard-model", _check_hazard_model),
        ("sync-client", _check_sync_client),
    ]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="safetydesk-selftest-") as tmp:
        for name, check in checks:
            started = time.perf_counter()
            try:
                detail = check(Path(tmp))
            except Exception as exc:  # the self-test reports every failure, whatever it is
                failed += 1
                say(f"FAIL {name}: {type(exc).__name__}: {exc}")
            else:
                say(f"ok   {name} ({(time.perf_counter() - started) * 1000:.0f} ms): {detail}")
    say("self-test passed" if not failed else f"self-test FAILED ({failed} checks)")
    return 0 if not failed else 1


def _check_resources(_tmp: Path) -> str:
    from safetydesk.core.fonts import font_file
    from safetydesk.core.forms.library import load_shipped_templates
    from safetydesk.core.i18n import _
    from safetydesk.core.legaldata import load_legal_data

    if font_file().stat().st_size < 1_000_000:
        raise RuntimeError("bundled Hangul font is missing or truncated")
    templates = load_shipped_templates()
    legal = load_legal_data()
    scale = legal.risk_scale("kras_5x4", date.today())
    translated = _("Error", "ko")
    if translated == "Error":
        raise RuntimeError("Korean message catalogue not found")
    return f"{len(templates)} templates, scale {scale.code} v{scale.version}, catalogue ko"


def _check_workspace(tmp: Path) -> str:
    from safetydesk.core.audit.chain import verify
    from safetydesk.core.services import records
    from safetydesk.core.services.attachments import store_bytes
    from safetydesk.core.services.base import transaction
    from safetydesk.core.services.forms import (
        complete_form,
        install_shipped_templates,
        passing_answers,
        save_answers,
        start_form,
        template_id_by_code,
    )
    from safetydesk.core.workspace.workspace import open_workspace

    with open_workspace(tmp / "ws") as ws:
        install_shipped_templates(ws)
        site = records.create(ws, "sites", {"name": "자가진단 사업장", "name_en": "Self-test site"}).id
        area = records.create(
            ws, "areas", {"site_id": site, "code": "T1", "name": "시험", "hazard_tags": []}
        ).id
        template_id = template_id_by_code(ws, "prework.press")
        form = start_form(ws, template_id, performed_on=date.today(), area_id=area).id
        with ws.reader() as conn:
            from safetydesk.core.services.forms import load_template

            template = load_template(conn, template_id)
        with transaction(ws) as tx:
            signature = store_bytes(tx, b"self-test signature", mime="text/plain")
        save_answers(
            ws, form, passing_answers(template, person="자가진단", on=date.today(), signature=signature)
        )
        done = complete_form(ws, form)
        with ws.reader() as conn:
            report = verify(conn)
        if not report.ok:
            raise RuntimeError(f"audit verification failed: {report.broken_reason or report.tampered[:1]}")
        lists = _query_every_list(ws)
        return f"{report.events} audit events verified, score {done.score.percent}, {lists} lists queried"


def _query_every_list(ws: Workspace) -> int:
    """Run the first page of every screen list: their modules are imported by name (LIST_MODULES)."""
    from safetydesk.core.queries import lists

    lists.get_list("corrective_actions")  # loads every list module
    names = sorted(lists._REGISTRY)
    for name in names:
        lists.first_page(ws, lists.ListQuery(name), limit=5)
    return len(names)


def _check_pdf(tmp: Path) -> str:
    """Render a report through the real framework (letterhead, table, chart, fonts) and load every kind."""
    from datetime import datetime

    from safetydesk.core.reports.context import Letterhead, ReportOptions, Stamp
    from safetydesk.core.reports.model import BarChart, Cell, Para, Report, Table
    from safetydesk.core.reports.registry import kinds
    from safetydesk.core.reports.render import render

    report = Report(
        "selftest",
        "SafetyDesk 자가진단 — 안전보건관리체계",
        "ko",
        (
            Para("위험성평가 · 개선조치 · 비상조치 — Hangul and Latin"),
            Table(("번호", "유해·위험요인"), (("1", Cell("프레스 협착", tone="bad")),)),
            BarChart("경과일", ("0~7일",), (1,)),
        ),
    )
    head = Letterhead("(주)자가진단", "", "", "", ("담당", "검토", "승인"))
    stamp = Stamp("ABCDE12345", None, datetime.now().astimezone(), register=True)
    out = tmp / "selftest.pdf"
    result = render(report, head, stamp, ReportOptions(), lambda _sha: None, out)
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or b"NanumGothic" not in data:
        raise RuntimeError("PDF render did not embed the Hangul font")
    if b"Helvetica" in data:
        raise RuntimeError("PDF render fell back to Helvetica")
    if result.unprintable:
        raise RuntimeError(f"the font lacks {sorted(result.unprintable)}")
    return f"{len(data):,} bytes, {result.pages} page, NanumGothic only; {len(kinds())} report kinds load"


# Modules a saved scikit-learn model may need at load time that no ``import`` statement names: the
# estimator packages skops imports by name from the file, the Cython modules other compiled modules
# import (invisible to PyInstaller's analysis) and skops' own loaders (imported with importlib). The
# PyInstaller spec bundles exactly this list as hidden imports and the ``model`` check imports every
# one of them, so the frozen build proves every listed module is bundled and still exists (a module
# renamed by a scikit-learn or SciPy upgrade fails the build instead of a user's model load). A model
# bundle using an estimator from a package not listed here needs that package added.
MODEL_MODULES: tuple[str, ...] = (
    # estimators and transformers a SafetyDesk model bundle may be built from
    "sklearn.pipeline",
    "sklearn.compose",
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.feature_extraction.text",
    "sklearn.feature_selection",
    "sklearn.linear_model",
    "sklearn.naive_bayes",
    "sklearn.svm",
    "sklearn.calibration",
    "sklearn.multiclass",
    "sklearn.ensemble",
    "sklearn.tree",
    "sklearn.neighbors",
    # compiled modules imported only from other compiled modules
    "sklearn._cyutility",
    "sklearn.utils._typedefs",
    "sklearn.utils._heap",
    "sklearn.utils._sorting",
    "sklearn.utils._vector_sentinel",
    "sklearn.utils._cython_blas",
    "sklearn.utils._weight_vector",
    "sklearn.utils._random",
    "sklearn.utils._seq_dataset",
    "sklearn.utils.sparsefuncs_fast",
    "sklearn.utils.murmurhash",
    "sklearn.utils.arrayfuncs",
    "sklearn.neighbors._partition_nodes",
    "sklearn.neighbors._quad_tree",
    "sklearn.tree._criterion",
    "sklearn.tree._splitter",
    "sklearn.tree._tree",
    "sklearn.tree._utils",
    "scipy._lib.messagestream",
    "scipy.special._ufuncs_cxx",
    "scipy.special.cython_special",
    "scipy.sparse.csgraph._validation",
    "scipy.linalg.cython_blas",
    "scipy.linalg.cython_lapack",
    # skops' loaders, imported by name
    "skops.io._general",
    "skops.io._numpy",
    "skops.io._scipy",
    "skops.io._sklearn",
    "skops.io.old._general_v0",
    "skops.io.old._numpy_v0",
    "skops.io.old._numpy_v1",
)

# Types a SafetyDesk model file may contain beyond skops' default trusted set (none so far). A file
# naming anything else is refused rather than loaded: skops files can construct arbitrary objects.
TRUSTED_MODEL_TYPES: frozenset[str] = frozenset()


def _check_model(tmp: Path) -> str:
    import importlib

    import numpy as np
    import skops.io as sio
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = [
        "지게차 포크 균열",
        "프레스 방호장치 고장",
        "press guard missing",
        "바닥 기름 미끄러움 넘어짐",
        "계단 물기 미끄러짐",
        "slippery floor, worker fell",
    ]
    labels = ["machine", "machine", "machine", "slip", "slip", "slip"]
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), LogisticRegression(max_iter=500)
    )
    pipeline.fit(texts, labels)
    path = tmp / "selftest.skops"
    sio.dump(pipeline, path)
    untrusted = sio.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - TRUSTED_MODEL_TYPES)
    if unexpected:
        raise RuntimeError(f"saved model names untrusted types: {', '.join(unexpected)}")
    loaded = sio.load(path, trusted=untrusted)
    probe = ["프레스 방호 덮개 고장", "floor slippery"]
    if not np.allclose(loaded.predict_proba(probe), pipeline.predict_proba(probe)):
        raise RuntimeError("the loaded model predicts differently from the saved one")
    for name in MODEL_MODULES:
        importlib.import_module(name)
    import sklearn

    return (
        f"sklearn {sklearn.__version__} pipeline saved and loaded with skops "
        f"({path.stat().st_size:,} bytes), predicts {', '.join(map(str, loaded.predict(probe)))}; "
        f"{len(MODEL_MODULES)} model modules import"
    )


def _check_hazard_model(_tmp: Path) -> str:
    """The shipped hazard reader loads (library versions and schema match) and reads Korean."""
    from safetydesk.core.ml.bundle import load_bundle
    from safetydesk.core.ml.manage import shipped_dir

    started = time.perf_counter()
    model, meta = load_bundle(shipped_dir())
    loaded_ms = (time.perf_counter() - started) * 1000
    suggestion = model.suggest("프레스 금형 교체 중 손이 금형 사이에 끼일 뻔함")
    if suggestion.group != "caught":
        raise RuntimeError(f"the shipped model reads a press pinch as {suggestion.group!r}, not 'caught'")
    started = time.perf_counter()
    for _ in range(20):
        model.suggest("사다리 위에서 작업 중 균형을 잃고 떨어질 뻔함")
    per_text = (time.perf_counter() - started) * 1000 / 20
    return (
        f"{meta.version} loaded in {loaded_ms:.0f} ms; press pinch -> caught "
        f"({suggestion.confidence:.0%}); {per_text:.1f} ms per suggestion"
    )


def _check_sync_client(_tmp: Path) -> str:
    """What optional sync needs from a frozen build: the client modules, httpx with the CA bundle that
    verifies a hosted server's certificate, and a credential-store backend for the device token."""
    import socket
    import ssl

    import certifi
    import httpx
    import keyring

    from safetydesk.core.sync import client, protocol

    context = ssl.create_default_context(cafile=certifi.where())
    if not context.get_ca_certs() and context.cert_store_stats().get("x509_ca", 0) == 0:
        raise RuntimeError("the CA bundle for TLS certificate checks is empty")
    with socket.socket() as probe:  # a port nobody listens on: the request must fail fast and cleanly
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        with httpx.Client(verify=context, timeout=2.0) as http:
            http.get(f"http://127.0.0.1:{port}{protocol.API_PREFIX}/health")
    except httpx.ConnectError:
        pass
    else:
        raise RuntimeError(f"a request to a closed port {port} unexpectedly succeeded")
    backend = type(keyring.get_keyring()).__module__
    return f"client {client.__name__.rsplit('.', 1)[-1]}, CA bundle ok, httpx refused port {port}, keyring {backend}"
