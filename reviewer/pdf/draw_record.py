"""The signed 专家抽取记录 (draw record): seed, pool hash, algorithm, each group's members and
reserves in draw order, every exclusion with its reason, every decline with who took the place.

Rendered (always in Chinese) and signed in memory, like the results PDF: only signed bytes
ever reach the disk. 身份证号 and phone numbers are never printed: they serve matching only.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.files import document_language
from reviewer.pdf.fonts import find_cjk_font
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.layout import (
    GRID_COLOUR,
    MARGIN,
    Furniture,
    ReviewerDoc,
    Styles,
    canvas_maker,
    frame_width,
    grid_table,
    make_styles,
    para,
    signature_line,
)
from reviewer.pdf.signing import sign_bytes


@dataclass(frozen=True)
class DrawPerson:
    name: str
    title: str
    unit: str
    field: str


@dataclass(frozen=True)
class DrawRecordData:
    """What the record shows: the record dict (``draw.json``) plus display facts."""

    record: Mapping[str, Any]
    record_sha256: str
    people: Mapping[str, DrawPerson]  # pool id -> person (drawn ones and exclusions)
    group_names: Mapping[str, str]
    policy: str
    article: str
    rule_text: str  # the panel's own wording of who may sit (its expert_qualification.text)


@dataclass(frozen=True)
class SignedRecord:
    pdf: bytes
    pages: int
    signer: str
    fingerprint: str


class _RecordFurniture(Furniture):
    """内部资料 注意保密, the record's hash instead of a session id (there is no session yet),
    and 第 x 页 共 y 页."""

    def draw(self, canv: Canvas, number: int, total: int) -> None:
        width, height = canv._pagesize  # noqa: SLF001 (the page's own size)
        canv.saveState()
        canv.setFont(self.font, 8.5)
        canv.setFillColor(colors.HexColor("#a01010"))
        canv.drawString(MARGIN, height - 10 * mm, t("pdf.page.confidential"))
        canv.setFillColor(colors.black)
        canv.drawRightString(width - MARGIN, height - 10 * mm, self.session_id)
        canv.setStrokeColor(GRID_COLOUR)
        canv.setLineWidth(0.4)
        canv.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
        canv.line(MARGIN, 11.5 * mm, width - MARGIN, 11.5 * mm)
        canv.drawCentredString(width / 2, 7 * mm, t("pdf.page.number", page=number, pages=total))
        canv.restoreState()


def _reason(reason: Mapping[str, str], group_names: Mapping[str, str]) -> str:
    detail = reason.get("detail", "")
    if reason["code"] == "drawn_elsewhere":
        detail = group_names.get(detail, detail)
    return t(f"draw.reason.{reason['code']}", detail=detail or "—")


def _people_rows(ids: Sequence[str], data: DrawRecordData, role: str) -> list[list[str]]:
    rows = []
    for number, pool_id in enumerate(ids, start=1):
        person = data.people.get(pool_id, DrawPerson("", "", "", ""))
        rows.append([str(number), role, pool_id, person.name, person.title, person.unit,
                     person.field])
    return rows


def _story(data: DrawRecordData, styles: Styles) -> list[Flowable]:
    record = data.record
    width = frame_width(landscape_page=False)
    case = record.get("case", {})
    out: list[Flowable] = [
        para(t("draw.pdf.title"), styles.h1),
        para(t("draw.pdf.case", title=case.get("title", ""), year=case.get("year", "")),
             styles.body),
        para(t("draw.pdf.basis", policy=data.policy, article=data.article,
                 text=data.rule_text), styles.note),
    ]
    facts = [
        [t("draw.pdf.seed"), record["seed"]],
        [t("draw.pdf.algorithm"), f"{record['algorithm']}：{record['ordering']}"],
        [t("draw.pdf.pool"), t("draw.pdf.pool_value", file=record["pool_file"],
                               size=record["pool_size"])],
        [t("draw.pdf.pool_sha"), record["pool_sha256"]],
        [t("draw.pdf.record_sha"), data.record_sha256],
    ]
    out.append(grid_table([t("draw.pdf.fact"), t("draw.pdf.value")], facts,
                          [38 * mm, width - 38 * mm], styles))
    widths = [9 * mm, 14 * mm, 20 * mm, 22 * mm, 30 * mm, width - 125 * mm, 30 * mm]
    header = [t("pdf.col.no"), t("draw.pdf.role"), t("draw.pdf.pool_id"), t("draw.pdf.name"),
              t("draw.pdf.title_col"), t("pdf.col.unit"), t("draw.pdf.field")]
    for group in record["result"]["groups"]:
        req: Mapping[str, Any] = next(
            (r for r in record["requirements"] if r["group"] == group["group"]), {})
        name = data.group_names.get(group["group"], group["group"])
        out.append(para(t("draw.pdf.group", group=name, id=group["group"],
                          count=req.get("count", len(group["members"])),
                          reserves=req.get("reserves", len(group["reserves"])),
                          fields="、".join(req.get("fields", ())) or t("draw.pdf.any_field")),
                        styles.h2))
        rows = _people_rows(group["members"], data, t("draw.pdf.member"))
        rows += _people_rows(group["reserves"], data, t("draw.pdf.reserve"))
        out.append(grid_table(header, rows, widths, styles, centred=[0, 1]))
        for decline in group["declines"]:
            key = "draw.pdf.decline_member" if decline["was_member"] else "draw.pdf.decline_reserve"
            out.append(para(t(key, id=decline["pool_id"], reason=decline["reason"],
                              by=decline["replaced_by"] or ""), styles.body))
        if group["excluded"]:
            out.append(para(t("draw.pdf.passed_over", count=len(group["excluded"])), styles.note))
            out.append(grid_table(
                [t("draw.pdf.pool_id"), t("draw.pdf.name"), t("draw.pdf.reason")],
                [[e["pool_id"], data.people.get(e["pool_id"], DrawPerson("", "", "", "")).name,
                  "；".join(_reason(r, data.group_names) for r in e["reasons"])]
                 for e in group["excluded"]],
                [22 * mm, 26 * mm, width - 48 * mm], styles))
    excluded = record["result"]["excluded"]
    out.append(para(t("draw.pdf.excluded", count=len(excluded)), styles.h2))
    if excluded:
        out.append(grid_table(
            [t("draw.pdf.pool_id"), t("draw.pdf.name"), t("draw.pdf.reason")],
            [[e["pool_id"], data.people.get(e["pool_id"], DrawPerson("", "", "", "")).name,
              "；".join(_reason(r, data.group_names) for r in e["reasons"])]
             for e in excluded],
            [22 * mm, 26 * mm, width - 48 * mm], styles))
    signature = signature_line(t("draw.pdf.sign_secretary"), t("draw.pdf.sign_supervisor"), [26 * mm, 55 * mm, 26 * mm, 55 * mm], styles,
                               align="LEFT", room=8 * mm)
    out += [Spacer(1, 4 * mm), para(t("draw.pdf.rerun"), styles.note), signature]
    return out


def render_draw_record(data: DrawRecordData, *, font_path: str | None = None) -> tuple[bytes, int]:
    """The unsigned record in memory (never written as is)."""
    font = find_cjk_font(font_path)
    styles = make_styles(font.name)
    buffer = io.BytesIO()
    with document_language("zh"):
        doc = ReviewerDoc(buffer, font=font.name, title=t("draw.pdf.title"),
                          subject=t("pdf.page.confidential"), lang="zh-CN")
        session = t("draw.pdf.footer", sha=data.record_sha256[:16])
        doc.build(_story(data, styles), canvasmaker=canvas_maker(_RecordFurniture(font.name, session)))
        return buffer.getvalue(), doc.page


def render_and_sign_record(data: DrawRecordData, identity: SignerIdentity, *, reason: str,
                           location: str, font_path: str | None = None) -> SignedRecord:
    pdf, pages = render_draw_record(data, font_path=font_path)
    signed = sign_bytes(pdf, identity, reason=reason, location=location)
    return SignedRecord(signed.pdf, pages, signed.signer, signed.fingerprint)
