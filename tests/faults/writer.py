"""The victim of the SIGKILL test: records inspections, corrective actions and photos in a loop.

``python tests/faults/writer.py WORKSPACE JOURNAL [--seed N] [--max-ops N]`` opens the workspace the
way the app does and writes through the real services until it is killed. Around every service call
(one or two SQLite transactions) it appends to JOURNAL, one JSON object a line:

* ``{"op": "begin", "n": k, "call": ...}`` before the call (written, not fsynced: SIGKILL does not
  lose what the OS already holds, and a lost marker only undercounts interrupted work);
* ``{"op": "commit", "n": k, "call": ..., "rows": [...], "shas": [...], "expect": {...}}`` after
  the call returned, written and ``os.fsync``-ed: the writer *reported* this write as committed.

``rows`` are ``[table, id]`` pairs that must exist afterwards, ``shas`` attachments that must be
intact, ``links`` ``[sha, entity, record_id]`` attachment links that must exist and ``expect``
``{table: {id: [allowed statuses]}}`` states that later work may only move forward.

``python tests/faults/writer.py --serve`` is the same writer behind a fork server (the test's way to
restart it hundreds of times inside its time budget: imports and photo generation happen once). It
reads commands on stdin and answers one line each on stdout:

* ``run WORKSPACE JOURNAL SEED`` forks a fresh writer process and answers ``pid PID``;
* ``create WORKSPACE`` forks a process that creates a new workspace (first start) and answers ``pid PID``;
* ``reap PID`` waits for that process to end and answers ``status STATUS`` (``os.waitpid``'s status);
* ``quit`` ends the server.

A child that fails (any exception) prints the traceback on stderr and exits with status 3, so the
test can tell "killed" from "crashed".
"""

from __future__ import annotations

import io
import json
import os
import random
import struct
import sys
import traceback
import zlib
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402

from safetydesk.core.db.tables import corrective_actions, equipment, form_records  # noqa: E402
from safetydesk.core.queries.inspections import AnswerData  # noqa: E402
from safetydesk.core.services import actions, attachments, forms, inspections  # noqa: E402
from safetydesk.core.services.base import transaction  # noqa: E402
from safetydesk.core.workspace.workspace import Workspace, open_workspace  # noqa: E402

TEMPLATE_CODE = "prework.press"
ACTOR = "fault-writer"
TODAY = date(2026, 6, 30)  # a half-year end: the retention and due dates cross into July

# -- photos ------------------------------------------------------------------------------------------


def _jpeg(width: int, height: int, quality: int, rng: random.Random, noise: bool) -> bytes:
    if noise:
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (rng.randrange(256), 90, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _png(width: int, height: int, rng: random.Random) -> bytes:
    image = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def photo_pool(seed: int = 7) -> list[tuple[str, bytes]]:
    """Real JPEG and PNG images from a few hundred bytes to about 1 MB (made once per server)."""
    rng = random.Random(seed)
    return [
        ("image/png", _png(4, 4, rng)),  # tiny: a signature-sized PNG
        ("image/png", _png(160, 120, rng)),  # ~20 KB
        ("image/jpeg", _jpeg(640, 480, 85, rng, noise=False)),  # a few KB
        ("image/jpeg", _jpeg(300, 220, 90, rng, noise=True)),  # ~100 KB
        ("image/jpeg", _jpeg(520, 400, 92, rng, noise=True)),  # ~300 KB
        ("image/jpeg", _jpeg(1280, 900, 90, rng, noise=True)),  # ~1 MB, a phone photo's size
    ]


POOL_WEIGHTS = (2, 2, 2, 3, 2, 1)


def unique(mime: str, data: bytes, tag: bytes) -> bytes:
    """The same picture with a comment (JPEG COM segment / PNG tEXt chunk): new bytes, still valid."""
    if mime == "image/jpeg":
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]
    body = b"tEXt" + b"Comment\x00" + tag
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + chunk + data[iend:]


# -- journal -----------------------------------------------------------------------------------------


class Journal:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.n = 0

    def mark(self, op: str, **fields: Any) -> None:
        os.write(self.fd, (json.dumps({"op": op, **fields}) + "\n").encode())

    def begin(self, call: str) -> int:
        self.n += 1
        self.mark("begin", n=self.n, call=call)
        return self.n

    def commit(self, n: int, call: str, **fields: Any) -> None:
        os.write(self.fd, (json.dumps({"op": "commit", "n": n, "call": call, **fields}) + "\n").encode())
        os.fsync(self.fd)


# -- the loop ----------------------------------------------------------------------------------------


class Writer:
    def __init__(self, ws: Workspace, journal: Journal, rng: random.Random, pool: list[tuple[str, bytes]]):
        self.ws = ws
        self.journal = journal
        self.rng = rng
        self.pool = pool
        self.scratch = Path(ws.path).parent / "scratch"
        self.scratch.mkdir(exist_ok=True)
        self.template = forms.template_id_by_code(ws, TEMPLATE_CODE)
        with ws.reader() as conn:
            self.machine = conn.execute(
                select(equipment.c.id).where(equipment.c.kind == "press")
            ).scalar_one()
            template = forms.load_template(conn, self.template)
        self.questions = [(q.key, q.type) for _s, q in template.questions()]

    def photo(self, *, large: bool = False) -> tuple[str, bytes]:
        index = len(self.pool) - 1 if large else self.rng.choices(range(len(self.pool)), POOL_WEIGHTS)[0]
        mime, data = self.pool[index]
        return mime, unique(mime, data, self.rng.randbytes(16).hex().encode())

    def photo_file(self, *, large: bool = False) -> Path:
        mime, data = self.photo(large=large)
        path = self.scratch / f"photo-{os.getpid()}.{'png' if mime == 'image/png' else 'jpg'}"
        path.write_bytes(data)
        return path

    # Each step is one service call between a begin and a commit marker.

    def inspection(self) -> None:
        j = self.journal
        n = j.begin("start_record")
        record = inspections.start_record(
            self.ws, self.template, performed_on=TODAY, equipment_id=self.machine, actor=ACTOR
        ).id
        j.commit(n, "start_record", rows=[["form_records", record]])

        _mime, png = self.pool[0]
        n = j.begin("store_signature")
        signature = inspections.store_signature(
            self.ws, unique("image/png", png, os.urandom(8).hex().encode())
        )
        j.commit(n, "store_signature", shas=[signature])

        failing = self.rng.sample(
            [k for k, t in self.questions if t == "yes_no_na"], self.rng.choice((0, 1, 1, 2))
        )
        photos: dict[str, str] = {}
        for key in failing:
            path = self.photo_file(large=self.rng.random() < 0.15)
            n = j.begin("store_photo")
            stored = inspections.store_photo(self.ws, path, actor=ACTOR)
            j.commit(n, "store_photo", shas=[stored.sha256])
            photos[key] = stored.sha256

        answers = self.answers(signature, photos)
        if self.rng.random() < 0.5:
            n = j.begin("save_draft")
            inspections.save_draft(self.ws, record, answers, header={"weather": "맑음"}, actor=ACTOR)
            j.commit(n, "save_draft", rows=[["form_records", record]])
        n = j.begin("complete_record")
        done = inspections.complete_record(
            self.ws, record, answers, owner_name="정비팀 박정비", on=TODAY, actor=ACTOR
        )
        assert len(done.finding_ids) == len(failing), (done, failing)
        links = [
            [photos[k], "findings", f]
            for k, f in zip(sorted(failing), self._finding_keys(done.finding_ids), strict=True)
        ]
        j.commit(
            n,
            "complete_record",
            rows=[["form_records", record]]
            + [["findings", f] for f in done.finding_ids]
            + [["corrective_actions", a] for a in done.action_ids],
            shas=[signature, *photos.values()],
            links=[[sha, entity, rid] for sha, entity, rid in links],
            expect={"form_records": {record: ["completed"]}},
        )

    def _finding_keys(self, finding_ids: tuple[str, ...]) -> list[str]:
        """The findings in question-key order, to pair each with the photo of its failed item."""
        from safetydesk.core.db.tables import findings

        with self.ws.reader() as conn:
            rows = conn.execute(
                select(findings.c.id, findings.c.question_key).where(findings.c.id.in_(finding_ids))
            ).all()
        return [fid for fid, _key in sorted(rows, key=lambda r: r[1])]

    def answers(self, signature: str, photos: dict[str, str]) -> dict[str, AnswerData]:
        out: dict[str, AnswerData] = {}
        for key, kind in self.questions:
            if kind == "yes_no_na":
                if key in photos:
                    out[key] = AnswerData(result="fail", note="이상 발견", attachments=(photos[key],))
                else:
                    out[key] = AnswerData(result="pass")
            elif kind == "datetime":
                out[key] = AnswerData(text=f"{TODAY.isoformat()}T08:00")
            elif kind == "signature":
                out[key] = AnswerData(attachments=(signature,))
            elif kind == "person":
                out[key] = AnswerData(text="김반장")
        return out

    def action_with_photo(self) -> None:
        """A corrective action raised directly, its 'before' photo stored in the same transaction."""
        mime, data = self.photo(large=self.rng.random() < 0.25)
        n = self.journal.begin("raise_action")
        with transaction(self.ws, ACTOR) as tx:
            sha = attachments.store_bytes(tx, data, mime=mime, name="before.jpg")
            action = tx.insert(
                "corrective_actions",
                {
                    "source_kind": "suggestion",
                    "title": "통로 적재물 정리 / Clear the walkway",
                    "hierarchy": "administrative",
                    "due_on": date(2026, 7, 1),
                    "status": "open",
                },
            )
            attachments.link(tx, sha, "corrective_actions", action, role="before")
        self.journal.commit(
            n,
            "raise_action",
            rows=[["corrective_actions", action]],
            shas=[sha],
            links=[[sha, "corrective_actions", action]],
        )

    def _pick(self, status: str) -> str | None:
        with self.ws.reader() as conn:
            ids = (
                conn.execute(
                    select(corrective_actions.c.id)
                    .where(corrective_actions.c.status == status)
                    .order_by(corrective_actions.c.created_at.desc())
                    .limit(20)
                )
                .scalars()
                .all()
            )
        return self.rng.choice(ids) if ids else None

    def evidence_and_done(self) -> None:
        action = self._pick("open")
        if action is None:
            return self.action_with_photo()
        path = self.photo_file(large=self.rng.random() < 0.2)
        n = self.journal.begin("add_evidence")
        sha = actions.add_evidence(self.ws, action, path, caption="조치 후", actor=ACTOR)
        self.journal.commit(n, "add_evidence", shas=[sha], links=[[sha, "corrective_actions", action]])
        n = self.journal.begin("mark_done")
        actions.mark_done(self.ws, action, done_on=date.today(), note="교체 완료", actor=ACTOR)
        self.journal.commit(n, "mark_done", expect={"corrective_actions": {action: ["done", "verified"]}})

    def verify_one(self) -> None:
        action = self._pick("done")
        if action is None:
            return
        n = self.journal.begin("verify_and_close")
        actions.verify_and_close(
            self.ws, action, verified_by="안전관리자", verified_on=date.today(), effective=True, actor=ACTOR
        )
        self.journal.commit(n, "verify_and_close", expect={"corrective_actions": {action: ["verified"]}})

    def finish_draft(self) -> None:
        """Complete a draft a killed writer left behind: the work resumes after a crash."""
        with self.ws.reader() as conn:
            draft = conn.execute(
                select(form_records.c.id).where(form_records.c.status == "draft").limit(1)
            ).scalar()
        if draft is None:
            return self.inspection()
        _mime, png = self.pool[0]
        n = self.journal.begin("store_signature")
        signature = inspections.store_signature(
            self.ws, unique("image/png", png, os.urandom(8).hex().encode())
        )
        self.journal.commit(n, "store_signature", shas=[signature])
        n = self.journal.begin("complete_record")
        inspections.complete_record(self.ws, draft, self.answers(signature, {}), on=TODAY, actor=ACTOR)
        self.journal.commit(
            n,
            "complete_record",
            rows=[["form_records", draft]],
            shas=[signature],
            expect={"form_records": {draft: ["completed"]}},
        )

    def step(self) -> None:
        choice = self.rng.random()
        if choice < 0.40:
            self.inspection()
        elif choice < 0.60:
            self.action_with_photo()
        elif choice < 0.80:
            self.evidence_and_done()
        elif choice < 0.90:
            self.verify_one()
        else:
            self.finish_draft()


def run(
    workspace: Path, journal_path: Path, seed: int, pool: list[tuple[str, bytes]], max_ops: int = 0
) -> None:
    journal = Journal(journal_path)
    journal.mark("open", pid=os.getpid())
    ws = open_workspace(workspace, create=False)
    journal.mark("ready", pid=os.getpid())
    writer = Writer(ws, journal, random.Random(seed), pool)
    steps = 0
    while not max_ops or steps < max_ops:
        writer.step()
        steps += 1
    ws.close()
    journal.mark("closed")


def _child(workspace: Path, journal: Path, seed: int, pool: list[tuple[str, bytes]], max_ops: int = 0) -> int:
    try:
        run(workspace, journal, seed, pool, max_ops)
        return 0
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        return 3


def _create(workspace: Path) -> int:
    try:
        with open_workspace(workspace) as ws:
            forms.install_shipped_templates(ws, actor=ACTOR)
        return 0
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        return 3


def serve() -> int:
    pool = photo_pool()
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "run":
            pid = os.fork()
            if pid == 0:  # the writer: a fresh process that opens the workspace itself
                code = 3
                try:
                    sys.stdin.close()
                    code = _child(Path(parts[1]), Path(parts[2]), int(parts[3]), pool)
                finally:
                    os._exit(code)
            print(f"pid {pid}", flush=True)
        elif parts[0] == "create":  # a first start: create the workspace and install the templates
            pid = os.fork()
            if pid == 0:
                code = 3
                try:
                    sys.stdin.close()
                    code = _create(Path(parts[1]))
                finally:
                    os._exit(code)
            print(f"pid {pid}", flush=True)
        elif parts[0] == "reap":
            _pid, status = os.waitpid(int(parts[1]), 0)
            print(f"status {status}", flush=True)
        elif parts[0] == "quit":
            break
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve()
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("journal", type=Path)
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "big"))
    parser.add_argument("--max-ops", type=int, default=0, help="stop after this many steps (0: until killed)")
    args = parser.parse_args(argv)
    return _child(args.workspace, args.journal, args.seed, photo_pool(), args.max_ops)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
