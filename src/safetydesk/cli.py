"""Command line: ``safetydesk [--workspace W] [COMMAND]``; with no command it opens the window.

Heavy modules are imported inside each command so that ``--help`` and start-up stay fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from safetydesk import __version__
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _, set_language
from safetydesk.core.labels import SEVERITY_BAND_LABELS, label


def _workspace_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        "-w",
        type=Path,
        default=None,
        help="workspace folder (default: the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safetydesk",
        description="SafetyDesk — safety and health management system of record (offline).",
    )
    parser.add_argument("--version", action="version", version=f"SafetyDesk {__version__}")
    parser.add_argument(
        "--lang", choices=("ko", "en"), default=None, help="language of messages (default: ko)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open a temporary workspace, write, read, verify; exit 0 or 1",
    )
    parser.add_argument("--screenshot", type=Path, default=None, metavar="DIR", help=argparse.SUPPRESS)
    _workspace_arg(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the SafetyDesk window (the default)")
    _workspace_arg(gui)

    demo = sub.add_parser(
        "demo", help="build a demo workspace: a Busan machine shop with two years of records"
    )
    _workspace_arg(demo)
    demo.add_argument(
        "--size",
        choices=("small", "large"),
        default="small",
        help="small: ~60 workers, 2 years; large: 10 years, >= 1,000,000 checklist answers",
    )
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same workspace)")
    demo.add_argument("--open", action="store_true", help="open the window on the demo workspace afterwards")
    demo.add_argument("--force", action="store_true", help="replace an existing demo database in that folder")

    verify = sub.add_parser("verify", help="recompute the audit chain and check every record against it")
    _workspace_arg(verify)
    verify.add_argument("--attachments", action="store_true", help="also re-hash every attachment file")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.add_argument(
        "--code",
        default=None,
        metavar="CODE",
        help="check the verification code printed on a report page (e.g. ABCDE-12345)",
    )

    report = sub.add_parser("report", help="print a PDF report (see --list for the kinds)")
    _workspace_arg(report)
    report.add_argument("kind", nargs="?", help="the report kind, e.g. inspection, risk-assessment")
    report.add_argument("--list", action="store_true", help="list the report kinds and exit")
    report.add_argument("--id", default=None, help="the record to print (record reports)")
    report.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD", help="period start")
    report.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD", help="period end")
    report.add_argument(
        "--lang",
        dest="report_lang",
        choices=("ko", "en"),
        default=None,
        help="language of the report (default: the workspace's language)",
    )
    report.add_argument(
        "--page-size", choices=("A4", "Letter"), default="A4", help="paper size (default: A4)"
    )
    report.add_argument("--grayscale", action="store_true", help="ink-saving greys instead of colour")
    report.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="narrow a register, e.g. --filter status=open --filter area=Welding (repeatable)",
    )
    report.add_argument("--out", type=Path, default=None, help="the PDF file to write")

    backup = sub.add_parser("backup", help="write a full backup (.sdbackup) while the workspace stays usable")
    _workspace_arg(backup)
    backup.add_argument("--out", type=Path, default=None, help="backup file or folder (default: backups/)")
    backup.add_argument(
        "--rotate",
        action="store_true",
        help="the scheduled backup: today's copy in the configured folder if missing, then prune old ones",
    )

    restore = sub.add_parser(
        "restore", help="check a backup, then restore it (the current data is kept aside)"
    )
    _workspace_arg(restore)
    restore.add_argument("backup", type=Path, help="the .sdbackup file")

    pack = sub.add_parser("pack", help="export the workspace as a password-encrypted package (.sdpack)")
    _workspace_arg(pack)
    pack.add_argument("--out", type=Path, required=True, help="the .sdpack file to write")
    pack.add_argument("--password-file", type=Path, default=None, help="read the password from this file")

    unpack = sub.add_parser("unpack", help="check and unpack a .sdpack into a new, empty workspace folder")
    unpack.add_argument("package", type=Path, help="the .sdpack file")
    unpack.add_argument(
        "--workspace", "-w", type=Path, required=True, help="the new (empty) workspace folder"
    )
    unpack.add_argument("--password-file", type=Path, default=None, help="read the password from this file")

    model = sub.add_parser("model", help="the embedded model: hazard reader and risky-area ranking")
    _workspace_arg(model)
    model_sub = model.add_subparsers(dest="model_command", metavar="ACTION")
    train = model_sub.add_parser(
        "train",
        help="retrain the hazard reader on the shipped data plus the workspace's confirmed labels and "
        "make it the workspace's model (with --out: train from the shipped data into a folder)",
    )
    _workspace_arg(train)
    train.add_argument(
        "--data", type=Path, default=None, help="the OSHA abstracts CSV (default: the shipped copy)"
    )
    train.add_argument(
        "--out", type=Path, default=None, help="write a bundle to this folder instead (the build uses it)"
    )
    train.add_argument(
        "--no-evaluate", action="store_true", help="skip the evaluation stored with the bundle"
    )
    status = model_sub.add_parser("status", help="which hazard model is in use, its provenance and metrics")
    _workspace_arg(status)
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    roll_back = model_sub.add_parser("roll-back", help="use the shipped hazard model again")
    _workspace_arg(roll_back)
    evaluate = model_sub.add_parser("evaluate", help="measure the hazard reader honestly (holdouts, CIs)")
    evaluate.add_argument("--data", type=Path, default=None, help="the OSHA abstracts CSV")
    evaluate.add_argument("--sample", type=int, default=None, help="only the first N cases per year (quick)")
    evaluate.add_argument("--json", action="store_true", help="print the full result as JSON")
    suggest = model_sub.add_parser("suggest", help="suggest the hazard group and severity of a description")
    _workspace_arg(suggest)
    suggest.add_argument("text", help="the hazard, finding or near-miss description (Korean or English)")
    suggest.add_argument("--bundle", type=Path, default=None, help="a bundle folder to use")
    suggest.add_argument("--json", action="store_true", help="print the suggestion as JSON")
    rank = model_sub.add_parser(
        "rank-areas", help="rank the plant's areas by risk for the coming weeks, with reasons and a back-test"
    )
    _workspace_arg(rank)
    rank.add_argument(
        "--as-of", default=None, metavar="YYYY-MM-DD", help="rank as of this date (default: today)"
    )
    rank.add_argument(
        "--method",
        choices=("auto", "learned", "fallback", "baseline"),
        default="auto",
        help="auto keeps whichever scorer back-tests best",
    )
    rank.add_argument("--backtest", action="store_true", help="also back-test the scorers over 24 months")
    rank.add_argument("--json", action="store_true", help="print the result as JSON")

    templates = sub.add_parser("templates", help="list the form templates of the workspace")
    _workspace_arg(templates)

    compliance = sub.add_parser(
        "compliance", help="SAPA duties for a half-year: status, evidence count and gaps of every duty"
    )
    _workspace_arg(compliance)
    compliance.add_argument("--period", required=True, metavar="YYYYH1|YYYYH2", help="e.g. 2026H1")
    compliance.add_argument("--json", action="store_true", help="print the report as JSON")
    compliance.add_argument(
        "--lang", dest="compliance_lang", choices=("ko", "en"), default=None, help="language of the texts"
    )
    compliance.add_argument(
        "--as-of", default=None, metavar="YYYY-MM-DD", help="judge as of this day (default: today)"
    )

    binder = sub.add_parser(
        "binder", help="print the SAPA evidence binder for a period: every duty, its status and records"
    )
    _workspace_arg(binder)
    binder.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="period start")
    binder.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="period end")
    binder.add_argument("--out", type=Path, default=None, help="the PDF file to write")
    binder.add_argument(
        "--lang", dest="report_lang", choices=("ko", "en"), default=None, help="language of the binder"
    )
    binder.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    open_ = sub.add_parser(
        "open", help="open a .sdpack package (what double-clicking it does): unpacked into a new workspace"
    )
    open_.add_argument("file", type=Path, help="the .sdpack file")
    open_.add_argument(
        "--into", type=Path, default=None, help="folder for the new workspace (default: next to the user's)"
    )

    exchange_kinds = ("workers", "equipment", "templates", "risk-assessment")
    import_ = sub.add_parser(
        "import", help="import an Excel (.xlsx) or CSV file: checked first, all rows or none"
    )
    _workspace_arg(import_)
    import_.add_argument("kind", choices=exchange_kinds, help="what the file holds")
    import_.add_argument("file", type=Path, help="the .xlsx or .csv file")
    import_.add_argument("--dry-run", action="store_true", help="only show the preview; change nothing")
    export = sub.add_parser(
        "export", help="export to Excel (.xlsx) or CSV (risk assessments in the KRAS layout)"
    )
    _workspace_arg(export)
    export.add_argument("kind", choices=exchange_kinds, help="what to export")
    export.add_argument("file", type=Path, help="the .xlsx or .csv file to write")
    export.add_argument(
        "--id", dest="record_id", default=None, help="risk assessment id (default: the latest)"
    )
    _add_sync_parser(sub)
    return parser


def _add_sync_parser(sub: Any) -> None:
    sync = sub.add_parser("sync", help="optional cloud sync with the firm's server: enrol, sync, conflicts")
    _workspace_arg(sync)
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION")
    enroll = actions.add_parser("enroll", help="enrol this workspace with a code from the administrator")
    enroll.add_argument("--url", required=True, help="the sync server, e.g. https://sync.example.com")
    enroll.add_argument("--code", required=True, help="the enrolment code")
    enroll.add_argument("--name", default=None, help="this PC's name (default: the computer name)")
    enroll.add_argument("--ca-file", default=None, help="CA certificate of a self-hosted server")
    actions.add_parser("now", help="sync now: photos up, changes up, changes down, photos down")
    actions.add_parser("status", help="pending changes, photos, last sync, last error, open conflicts")
    conflicts = actions.add_parser("conflicts", help="list the conflicts the server recorded")
    conflicts.add_argument("--all", action="store_true", help="include resolved conflicts")
    resolve = actions.add_parser("resolve", help="resolve a conflict: keep the winner, the loser or a merge")
    resolve.add_argument("conflict_id", help="the conflict's id (or its first 8 characters)")
    resolve.add_argument("--keep", choices=("winner", "loser", "merged"), required=True)
    resolve.add_argument("--value", default=None, help="the merged value (JSON, or plain text)")
    resolve.add_argument("--actor", default=None, help="who resolves it (default: the login name)")
    code = actions.add_parser("code", help="make an enrolment code for another PC of the firm")
    code.add_argument("--hours", type=int, default=24, help="how long the code works (1-24 hours)")
    actions.add_parser("disable", help="stop syncing this workspace (data and unsent changes are kept)")
    for action in actions.choices.values():
        _workspace_arg(action)
        action.add_argument("--json", action="store_true", help="print the result as JSON")


def _workspace_path(args: argparse.Namespace) -> Path:
    if args.workspace is not None:
        return Path(args.workspace)
    from safetydesk.core.workspace.workspace import default_workspace_dir

    return default_workspace_dir()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
        os.environ["SAFETYDESK_LANG"] = args.lang  # the window keeps an explicit choice over the saved one
    try:
        if args.self_test:
            from safetydesk.core.selftest import run_self_test

            return run_self_test(print)
        command = args.command or "gui"
        handler = _COMMANDS[command]
        return handler(args)
    except UserError as exc:
        print(_("Error") + ": " + exc.text(), file=sys.stderr)
        return 2


def _cmd_gui(args: argparse.Namespace) -> int:
    from safetydesk.ui.app import run_app

    return run_app(_workspace_path(args), screenshot_dir=args.screenshot)


def _cmd_open(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.opening import require_package
    from safetydesk.core.workspace.workspace import default_workspace_dir

    require_package(args.file)
    from safetydesk.ui.open_file import open_package_window

    workspaces = args.into or default_workspace_dir().parent / "workspaces"
    return open_package_window(args.file, workspaces)


def _cmd_demo(args: argparse.Namespace) -> int:
    from safetydesk.core.demo.builder import build_demo

    path = _workspace_path(args)
    db = path / "safetydesk.db"
    if db.exists():
        if not args.force:
            raise UserError(
                N_("A workspace already exists at {path}."),
                N_("Choose an empty folder, or add --force to replace it with a fresh demo."),
                path=str(path),
            )
        for name in ("safetydesk.db", "safetydesk.db-wal", "safetydesk.db-shm"):
            (path / name).unlink(missing_ok=True)

    def progress(done: int, total: int, text: str) -> None:
        print(f"\r[{done}/{total}] {text:<60}", end="", file=sys.stderr, flush=True)

    summary = build_demo(path, seed=args.seed, size=args.size, progress=progress)
    print(file=sys.stderr)
    for key, value in summary.items():
        print(f"{key}: {value}")
    if args.open:
        return _cmd_gui(args)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from safetydesk.core.audit.chain import verify
    from safetydesk.core.workspace.workspace import open_workspace

    if args.code is not None:
        return _verify_code(args)
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        with ws.reader() as conn:
            report = verify(conn)
        bad_files: list[str] = []
        health_messages: list[str] = []
        database = "ok"
        if args.attachments:
            from safetydesk.core.workspace.health import check_workspace

            health = check_workspace(ws, hashes="all")
            bad_files = [p.sha256 for p in health.problems]
            health_messages = [m.text() for m in health.messages()]
            database = health.database
    finally:
        ws.close()
    ok = report.ok and not bad_files and database == "ok"
    if args.json:
        print(
            json.dumps(
                {
                    "ok": ok,
                    "events": report.events,
                    "records": report.records,
                    "broken_event": report.broken_event,
                    "broken_reason": report.broken_reason,
                    "tampered": [{"entity": e, "id": i, "reason": r} for e, i, r in report.tampered],
                    "bad_attachments": bad_files,
                    "database": database,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0 if ok else 1
    if report.broken_event is not None:
        print(
            _("Audit chain BROKEN at event {seq}: {reason}").format(
                seq=report.broken_event, reason=report.broken_reason
            )
        )
    else:
        print(_("Audit chain intact: {events} events.").format(events=report.events))
    for entity, record_id, reason in report.tampered[:50]:
        print(_("Record {entity} {id}: {reason}").format(entity=entity, id=record_id, reason=reason))
    if len(report.tampered) > 50:
        print(f"… +{len(report.tampered) - 50}")
    for sha in bad_files:
        print(_("Attachment {sha} is missing or damaged.").format(sha=sha))
    for message in health_messages:
        print(message)
    if ok:
        print(_("All {records} records match the audit chain.").format(records=report.records))
    return 0 if ok else 1


def _verify_code(args: argparse.Namespace) -> int:
    """Exit 0: the record is unchanged since printing and the chain is intact; 1: changed or broken;
    3: no such code in this workspace."""
    from safetydesk.core.audit.chain import verify
    from safetydesk.core.audit.codes import format_code, lookup_code, normalise_code
    from safetydesk.core.workspace.workspace import open_workspace

    code = normalise_code(args.code)
    if code is None:
        raise UserError(
            N_("“{code}” is not a verification code."),
            N_("Type the 10 letters and digits printed after “Verification code”, e.g. ABCDE-12345."),
            code=args.code,
        )
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        with ws.reader() as conn:
            matches = lookup_code(conn, code)
            chain = verify(conn) if matches else None
    finally:
        ws.close()
    if not matches or chain is None:
        print(
            _("No record in this workspace carries the code {code}.").format(code=format_code(code)),
        )
        print(_("The page was printed from another workspace, or the code was mistyped."))
        return 3
    unchanged = all(m.record_changes_since == 0 for m in matches)
    tampered = {(e, i) for e, i, _r in chain.tampered}
    result = {
        "code": code,
        "chain_intact": chain.ok,
        "matches": [
            {
                "entity": m.entity,
                "record_id": m.record_id,
                "event": m.seq,
                "printed_version_at": m.at,
                "action": m.action,
                "record_changes_since": m.record_changes_since,
                "record_last_change_at": m.record_last_change_at,
                "workspace_events_since": m.workspace_events_since,
                "record_tampered": (m.entity, m.record_id) in tampered,
            }
            for m in matches
        ],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for m in matches:
            print(
                _("Code {code}: {entity} {id}, version of {at} (audit event {seq}).").format(
                    code=format_code(code), entity=m.entity, id=m.record_id, at=m.at, seq=m.seq
                )
            )
            if m.record_changes_since == 0:
                print(_("The record is unchanged since this page was printed."))
            else:
                print(
                    _(
                        "The record has CHANGED {n} time(s) since this page was printed (last at {at})."
                    ).format(n=m.record_changes_since, at=m.record_last_change_at)
                )
            print(
                _("The workspace has recorded {n} other event(s) since.").format(
                    n=m.workspace_events_since - m.record_changes_since
                )
            )
        if chain.ok:
            print(_("Audit chain intact: {events} events.").format(events=chain.events))
        else:
            print(_("The audit chain does NOT verify: run “safetydesk verify” for details."))
    return 0 if unchanged and chain.ok and not (tampered & {(m.entity, m.record_id) for m in matches}) else 1


def _parse_day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            N_("{option} “{value}” is not a date."),
            N_("Write the date as YYYY-MM-DD, e.g. 2026-07-01."),
            option=option,
            value=text,
        ) from None


def _cmd_report(args: argparse.Namespace) -> int:
    from safetydesk.core.reports.registry import kind, kinds

    if args.list or not args.kind:
        for k in kinds().values():
            what = "--id ID" if k.scope == "record" else "--from DATE --to DATE"
            print(f"{k.name:20} {what:22} {_(k.title)} — {_(k.description)}")
        return 0 if args.list else 2
    k = kind(args.kind)
    from safetydesk.core.queries.settings import load_settings
    from safetydesk.core.reports.context import ReportOptions, ReportRequest
    from safetydesk.core.reports.registry import default_file_name, generate
    from safetydesk.core.workspace.workspace import open_workspace

    filters: dict[str, str] = {}
    for item in args.filter:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(
                N_("--filter “{value}” should look like KEY=VALUE."),
                N_("For example: --filter status=open"),
                value=item,
            )
        filters[key.strip()] = value.strip()
    start = _parse_day(args.date_from, "--from")
    end = _parse_day(args.date_to, "--to")
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        lang = args.report_lang or args.lang or load_settings(ws).language
        request = ReportRequest(record_id=args.id, date_from=start, date_to=end, lang=lang, filters=filters)
        out = args.out
        if out is None:
            out = Path.cwd() / default_file_name(k.name, k.name)
        generated = generate(ws, k.name, request, out, ReportOptions(args.page_size, args.grayscale))
    finally:
        ws.close()
    return _print_generated(generated)


def _hazard_bundle_dir(args: argparse.Namespace) -> Path:
    return _workspace_path(args) / "models" / "hazard"


def _osha_csv(path: Path | None) -> Path:
    from safetydesk.core.ml.hazard_data import default_osha_csv

    csv = path or default_osha_csv()
    if not csv.is_file():
        raise UserError(
            N_("The training data {path} is not there."),
            N_("Give the OSHA abstracts CSV with --data (see docs/model-card.md)."),
            path=str(csv),
        )
    return csv


def _model_train(args: argparse.Namespace) -> int:
    if args.out is not None:
        return _model_train_folder(args)
    from safetydesk.core.ml.manage import retrain
    from safetydesk.core.workspace.workspace import open_workspace

    def progress(stage: str, step: int, steps: int) -> None:
        print(
            _("Training: {stage} ({step}/{steps})").format(stage=stage, step=step, steps=steps),
            file=sys.stderr,
        )

    ws = open_workspace(_workspace_path(args), create=False)
    try:
        info = retrain(ws, progress=progress, osha_csv=args.data, evaluate_new=not args.no_evaluate)
    finally:
        ws.close()
    confirmed = info.meta.provenance.get("confirmed_labels", 0)
    print(
        _("Model {version} is now this workspace's hazard model ({count} confirmed labels used).").format(
            version=info.meta.version, count=confirmed
        )
    )
    return 0


def _model_train_folder(args: argparse.Namespace) -> int:
    from safetydesk.core.ml.bundle import train_bundle
    from safetydesk.core.ml.hazard_data import load_korean_eval, load_library, load_osha
    from safetydesk.core.ml.hazard_eval import evaluate

    csv = _osha_csv(args.data)
    metrics: dict[str, object] = {}
    if not args.no_evaluate:
        print(_("Evaluating (holdouts and bootstrap intervals)…"), file=sys.stderr, flush=True)
        metrics = evaluate(load_osha(csv), load_library(), load_korean_eval())
    meta = train_bundle(args.out, osha_csv=csv, metrics=metrics)
    print(_("Model {version} saved in {path}.").format(version=meta.version, path=args.out))
    return 0


def _model_evaluate(args: argparse.Namespace) -> int:
    from safetydesk.core.ml.hazard_data import load_korean_eval, load_library, load_osha
    from safetydesk.core.ml.hazard_eval import evaluate

    result = evaluate(load_osha(_osha_csv(args.data)), load_library(), load_korean_eval(), sample=args.sample)
    print(json.dumps(result, ensure_ascii=False, indent=2 if args.json else None))
    return 0


def _model_suggest(args: argparse.Namespace) -> int:
    from safetydesk.core.ml.bundle import load_bundle
    from safetydesk.core.ml.manage import active_model
    from safetydesk.core.workspace.workspace import open_workspace

    if args.bundle is not None:
        model, _meta = load_bundle(args.bundle)
    else:
        ws = open_workspace(_workspace_path(args), create=False, read_only=True)
        try:
            current = active_model(ws)
        finally:
            ws.close()
        for problem in current.problems:
            print(problem.text(), file=sys.stderr)
        model = current.model
    suggestion = model.suggest(args.text)
    if args.json:
        print(json.dumps(suggestion.to_dict(), ensure_ascii=False, indent=2))
        return 0
    band = getattr(suggestion, "severity_band", None)
    print(
        _("{group} (confidence {confidence:.0%}); severity potential: {band}").format(
            group=label(suggestion.group),
            confidence=suggestion.confidence,
            band=label(band, table=SEVERITY_BAND_LABELS) if band else "—",
        )
    )
    terms = ", ".join(t.term for t in suggestion.top_terms[:6])
    print(_("Words that drove it: {terms}").format(terms=terms))
    print(_("Model {version}").format(version=suggestion.model_version))
    return 0


def _model_status(args: argparse.Namespace) -> int:
    from safetydesk.core.ml.manage import model_status
    from safetydesk.core.workspace.workspace import open_workspace

    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        status = model_status(ws)
    finally:
        ws.close()

    def info(item: Any) -> dict[str, object] | None:
        if item is None:
            return None
        return {"source": item.source, "folder": str(item.folder), **item.meta.to_dict()}

    if args.json:
        out = {
            "active": info(status.active),
            "shipped": info(status.shipped),
            "workspace": [info(i) for i in status.workspace],
            "problems": [p.text() for p in status.problems],
            "labels": status.labels,
            "confirmed_labels": status.confirmed,
            "can_retrain": status.can_retrain,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if status.active is None:
        print(_("No hazard model can be used."))
    else:
        source = _("shipped") if status.active.source == "shipped" else _("retrained in this workspace")
        print(
            _("Hazard model in use: {version} ({source})").format(
                version=status.active.meta.version, source=source
            )
        )
    print(
        _(
            "Decisions stored: {accepted} accepted, {corrected} corrected, {manual} chosen without a suggestion"
        ).format(**{k: status.labels.get(k, 0) for k in ("accepted", "corrected", "manual")})
    )
    for problem in status.problems:
        print(problem.text())
    return 0 if status.active is not None else 1


def _model_roll_back(args: argparse.Namespace) -> int:
    from safetydesk.core.ml.manage import model_status, roll_back
    from safetydesk.core.workspace.workspace import open_workspace

    ws = open_workspace(_workspace_path(args), create=False)
    try:
        roll_back(ws)
        status = model_status(ws)
    finally:
        ws.close()
    version = status.active.meta.version if status.active else "—"
    print(_("The shipped hazard model {version} is in use again.").format(version=version))
    return 0


def _cmd_model(args: argparse.Namespace) -> int:
    handlers = {
        "train": _model_train,
        "evaluate": _model_evaluate,
        "suggest": _model_suggest,
        "status": _model_status,
        "roll-back": _model_roll_back,
    }
    if args.model_command in handlers:
        return handlers[args.model_command](args)
    if args.model_command != "rank-areas":
        raise UserError(
            N_("Choose what the model should do."),
            N_("Run “safetydesk model --help” to see the actions."),
        )
    from safetydesk.core.i18n import current_language
    from safetydesk.core.ml.area_backtest import backtest
    from safetydesk.core.ml.areas import rank_areas
    from safetydesk.core.workspace.workspace import open_workspace

    as_of = _parse_day(args.as_of, "--as-of") or date.today()
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        scores = rank_areas(ws, as_of, method=args.method)
        tested = backtest(ws, as_of) if args.backtest else None
    finally:
        ws.close()
    if args.json:
        out: dict[str, object] = {"as_of": as_of.isoformat(), "areas": [a.to_dict() for a in scores]}
        if tested is not None:
            out["backtest"] = tested
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    lang = current_language()
    if not scores:
        print(_("This workspace has no areas to rank."))
        return 0
    print(
        _("Areas by risk for the next 30 days, as of {day} ({method}):").format(
            day=as_of.isoformat(), method=scores[0].method
        )
    )
    for area in scores:
        name = area.name_en if lang == "en" and area.name_en else area.name
        print(f"{area.rank:>3}. {name:<24} {area.score:6.2f}")
        for reason in area.reasons:
            print(f"       · {reason.render(lang)}")
        for signal in area.signals:
            print(f"       ({_('also worth a look')}: {signal.render(lang)})")
    if tested is not None:
        print(json.dumps(tested.get("summary"), ensure_ascii=False))
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.archive import create_backup
    from safetydesk.core.workspace.workspace import open_workspace

    if args.rotate:
        return _rotate(args)
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        info = create_backup(ws, args.out)
    finally:
        ws.close()
    print(
        _("Backup written: {path} ({size:,} bytes, {count} attachments)").format(
            path=info.path, size=info.size, count=info.attachments
        )
    )
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.rotation import run_from_settings
    from safetydesk.core.workspace.workspace import open_workspace

    with open_workspace(_workspace_path(args), create=False) as ws:
        result = run_from_settings(ws)
    if result is None:
        print(_("Automatic backups are off (Settings → Backups)."))
        return 0
    if result.created is not None:
        created = result.created
        print(
            _("Backup written: {path} ({size:,} bytes, {count} attachments)").format(
                path=created.path, size=created.size, count=created.attachments
            )
        )
    print(
        _("{kept} backups kept, {deleted} old ones removed.").format(
            kept=len(result.kept), deleted=len(result.deleted)
        )
    )
    return 0


def _read_password(args: argparse.Namespace, confirm: bool) -> str:
    import getpass

    if args.password_file is not None:
        lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    password = getpass.getpass(_("Package password: "))
    if confirm and getpass.getpass(_("Repeat the password: ")) != password:
        from safetydesk.core.errors import ValidationError

        raise ValidationError(N_("The two passwords differ."), N_("Type the same password twice."))
    return password


def _cmd_pack(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.pack import check_password, pack_workspace
    from safetydesk.core.workspace.workspace import open_workspace

    password = _read_password(args, confirm=True)
    check_password(password)
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        info = pack_workspace(ws, args.out, password)
    finally:
        ws.close()
    print(
        _("Encrypted package written: {path} ({size:,} bytes, {count} attachments)").format(
            path=info.path, size=info.size, count=info.attachments
        )
    )
    return 0


def _cmd_unpack(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.pack import unpack_package

    info = unpack_package(args.package, args.workspace, _read_password(args, confirm=False))
    print(
        _("Package checked ({records} records) and unpacked into {path}.").format(
            records=info.records_checked, path=info.workspace
        )
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from safetydesk.core.workspace.archive import restore_backup

    info = restore_backup(args.backup, _workspace_path(args))
    print(
        _("Backup checked ({records} records) and restored into {path}.").format(
            records=info.records_checked, path=info.workspace
        )
    )
    if info.replaced_to:
        print(_("The previous data was kept in {path}.").format(path=info.replaced_to))
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from safetydesk.core.services.forms import list_templates
    from safetydesk.core.workspace.workspace import open_workspace

    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        for t in list_templates(ws):
            print(f"{t.code:40} v{t.version:<3} {t.kind:14} {t.title_ko} / {t.title_en}")
    finally:
        ws.close()
    return 0


_INDUSTRY_LABELS = {
    "shipbuilding": N_("shipbuilding (KSIC 311)"),
    "manufacturing": N_("manufacturing"),
    "other": N_("other industry"),
    "unknown": N_("industry not recorded"),
}
_STATUS_LABELS = {
    "met": N_("met"),
    "partly": N_("partly met"),
    "missing": N_("missing"),
    "not_applicable": N_("not applicable"),
}


def _cmd_compliance(args: argparse.Namespace) -> int:
    from safetydesk.core.compliance.engine import compliance, parse_period, report_as_dict
    from safetydesk.core.workspace.workspace import open_workspace

    parse_period(args.period)  # a bad period is a UserError: message and exit 2
    today = _parse_day(args.as_of, "--as-of")
    lang = args.compliance_lang or args.lang
    if lang:
        set_language(lang)
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        report = compliance(ws, args.period, today=today)
    finally:
        ws.close()
    if args.json:
        print(json.dumps(report_as_dict(report, lang), ensure_ascii=False, indent=2))
        return 0
    print(
        _("SAPA compliance {period} ({start} – {end}), judged as of {as_of}").format(
            period=report.period, start=report.start, end=report.end, as_of=report.as_of
        )
    )
    if report.as_of < report.end:
        print(_("The half-year is in progress: gaps name what is still due by {end}.").format(end=report.end))
    print(
        _("{site}: {workers} workers, {contractors} contractors' workers, industry: {industry}").format(
            site=report.site_name or "-",
            workers=report.workers,
            contractors=report.contractor_workers,
            industry=_(_INDUSTRY_LABELS.get(report.industry, report.industry)),
        )
    )
    for duty in report.duties:
        status = _(_STATUS_LABELS[duty.status.value])
        every = " " + _("(half-yearly)") if duty.half_yearly else ""
        print()
        print(f"[{status}] {duty.code} {duty.title(lang)}{every}")
        print(f"    {duty.legal_ref}")
        print("    " + duty.reason.render(lang))
        print("    " + _("Evidence: {n} record(s)").format(n=len(duty.evidence)))
        for gap in duty.gaps:
            due = " (" + _("due {day}").format(day=gap.due) + ")" if gap.due else ""
            print(f"    - {gap.message.render(lang)}{due}")
    return 0


def _cmd_binder(args: argparse.Namespace) -> int:
    from safetydesk.core.queries.settings import load_settings
    from safetydesk.core.reports.context import ReportRequest
    from safetydesk.core.reports.registry import default_file_name, generate
    from safetydesk.core.workspace.workspace import open_workspace

    start = _parse_day(args.date_from, "--from")
    end = _parse_day(args.date_to, "--to")
    as_of = _parse_day(args.as_of, "--as-of")
    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        lang = args.report_lang or args.lang or load_settings(ws).language
        request = ReportRequest(date_from=start, date_to=end, lang=lang, today=as_of)
        out = args.out or Path.cwd() / default_file_name("binder", f"binder_{args.date_from}_{args.date_to}")
        generated = generate(ws, "binder", request, out)
    finally:
        ws.close()
    return _print_generated(generated)


def _print_generated(generated: Any) -> int:
    """What every PDF command prints: file, pages, time, verification code, photos not found."""
    print(
        _("Wrote {path}: {pages} page(s) in {seconds:.2f} s.").format(
            path=generated.path, pages=generated.pages, seconds=generated.seconds
        )
    )
    if generated.code:
        from safetydesk.core.audit.codes import format_code

        print(_("Verification code: {code}").format(code=format_code(generated.code)))
    if generated.missing_photos:
        print(
            _("{n} photo(s) could not be read from the workspace and are marked on the page.").format(
                n=generated.missing_photos
            ),
            file=sys.stderr,
        )
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from safetydesk.core.exchange import ImportRejectedError, apply_import, preview_import
    from safetydesk.core.workspace.workspace import open_workspace

    ws = open_workspace(_workspace_path(args), create=False, read_only=args.dry_run)
    try:
        preview = preview_import(ws, args.kind, args.file)
        print(preview.summary())
        if preview.problems:
            raise ImportRejectedError(preview.problems)
        if args.dry_run:
            print(_("Dry run: nothing was changed."))
            return 0
        changes = apply_import(ws, preview)
    finally:
        ws.close()
    print(_("Imported: {n} records written.").format(n=len(changes.items)))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from safetydesk.core.exchange import export
    from safetydesk.core.workspace.workspace import open_workspace

    ws = open_workspace(_workspace_path(args), create=False, read_only=True)
    try:
        count = export(ws, args.kind, args.file, assessment_id=args.record_id)
    finally:
        ws.close()
    print(_("Exported {n} rows to {path}.").format(n=count, path=args.file))
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from safetydesk.core.sync import client as sync
    from safetydesk.core.workspace.workspace import open_workspace

    action = args.sync_command
    if action is None:
        raise UserError(
            N_("Choose what sync should do."),
            N_("Run “safetydesk sync --help” to see the actions."),
        )
    as_json = bool(getattr(args, "json", False))
    ws = open_workspace(_workspace_path(args), create=action == "enroll")
    try:
        if action == "enroll":
            import socket

            result = sync.enroll(
                ws,
                url=args.url,
                code=args.code,
                device_name=args.name or socket.gethostname(),
                ca_file=args.ca_file,
            )
            out: Any = asdict(result)
            text = (
                _("Enrolled as the first PC of {tenant}: this workspace's records are sent at the next sync.")
                if result.mode == "first"
                else _("Enrolled with {tenant}: the firm's records arrive at the next sync.")
            ).format(tenant=result.tenant_name)
        elif action == "now":
            report = sync.sync_now(ws, retry=sync.RetryPolicy(max_attempts=4))
            out = asdict(report)
            text = _(
                "Synced: {pushed} changes sent, {pulled} records received, {up} photos sent, "
                "{down} photos received, {conflicts} new conflicts ({ms} ms)."
            ).format(
                pushed=report.pushed,
                pulled=report.pulled,
                up=report.uploaded,
                down=report.downloaded,
                conflicts=report.new_conflicts,
                ms=report.duration_ms,
            )
        elif action == "status":
            st = sync.status(ws)
            out = asdict(st)
            text = _sync_status_text(st)
        elif action == "conflicts":
            found = sync.conflicts(ws, include_resolved=args.all)
            out = [asdict(c) for c in found]
            text = _sync_conflicts_text(found)
        elif action == "resolve":
            conflict_id = _sync_conflict_id(sync.conflicts(ws, include_resolved=True), args.conflict_id)
            merged: object = None
            if args.keep == "merged":
                try:
                    merged = json.loads(args.value) if args.value is not None else None
                except ValueError:
                    merged = args.value
            changes = sync.resolve(ws, conflict_id, keep=args.keep, merged_value=merged, actor=args.actor)
            out = {"conflict_id": conflict_id, "changes": [list(item) for item in changes.items]}
            text = _("Conflict {id} resolved; the next sync sends the decision to every PC.").format(
                id=conflict_id[:8]
            )
        elif action == "code":
            code, expires = sync.create_enrolment_code(ws, hours=args.hours)
            out = {"code": code, "expires_at": expires}
            text = _("Enrolment code: {code} (valid until {expires}).").format(code=code, expires=expires)
        else:  # disable
            sync.disable(ws)
            out = {"enabled": False}
            text = _("Sync is off for this workspace. Records and unsent changes are kept.")
    finally:
        ws.close()
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)
    return 0


def _sync_status_text(st: Any) -> str:
    if not st.enrolled:
        return _("Sync is not set up for this workspace.")
    lines = [
        _("Server: {url} ({tenant}), this PC: {device}").format(
            url=st.url, tenant=st.tenant_name or "?", device=st.device_name or st.device_id[:8]
        ),
        _("Sync is on.") if st.enabled else _("Sync is off."),
        _("Changes waiting to be sent: {n}").format(n=st.pending_changes),
        _("Photos uploaded: {done} / {total}").format(done=st.photos_uploaded, total=st.photos_total),
        _("Last successful sync: {at}").format(at=st.last_success_at or _("never")),
        _("Open conflicts: {n}").format(n=st.open_conflicts),
    ]
    if st.last_error:
        lines.append(_("Last error ({at}): {error}").format(at=st.last_error_at, error=st.last_error))
    return "\n".join(lines)


def _sync_conflicts_text(found: list[Any]) -> str:
    if not found:
        return _("No conflicts.")
    lines = []
    for c in found:
        lines.append(
            _(
                "{id}  {kind}  {title} · {field}: kept “{winner}” ({wdev}, {wat}); other “{loser}” ({ldev}, {lat})"
            ).format(
                id=c.id[:8],
                kind=c.kind,
                title=c.record_title,
                field=c.field,
                winner=c.winner.value,
                wdev=c.winner.device_name or (c.winner.device_id or "?")[:8],
                wat=c.winner.at or "?",
                loser=c.loser.value,
                ldev=c.loser.device_name or (c.loser.device_id or "?")[:8],
                lat=c.loser.at or "?",
            )
            + (" ✓" if c.resolved else "")
        )
    return "\n".join(lines)


def _sync_conflict_id(found: list[Any], given: str) -> str:
    matches = [c.id for c in found if c.id == given or c.id.startswith(given)]
    if len(matches) != 1:
        raise UserError(
            N_("No single conflict matches {id}."),
            N_("Run “safetydesk sync conflicts --all” and give the id as shown."),
            id=given,
        )
    return str(matches[0])


_COMMANDS = {
    "open": _cmd_open,
    "import": _cmd_import,
    "export": _cmd_export,
    "binder": _cmd_binder,
    "gui": _cmd_gui,
    "demo": _cmd_demo,
    "verify": _cmd_verify,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
    "pack": _cmd_pack,
    "unpack": _cmd_unpack,
    "templates": _cmd_templates,
    "report": _cmd_report,
    "model": _cmd_model,
    "compliance": _cmd_compliance,
    "sync": _cmd_sync,
}
