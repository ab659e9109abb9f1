"""Scorecard downloads: a one-page PDF per provider and month, and the scorecard table as CSV/XLSX.

The PDF is drawn with fpdf2 (pure Python, from the package registry, no system packages)
in its built-in Helvetica, whose character set is Latin-1: text outside it (a provider named
in another script, typographic signs) is written with the nearest Latin-1 character or "?",
so a name never breaks the download. The table exports write every text cell through
``core.spreadsheets.safe_cell``, like every other export of the portal, so a provider named
``=HYPERLINK(…)`` stays text in Excel.

fpdf2 and openpyxl are imported where a download is made, not with the module: the URL
configuration imports this module in every process (web, workers, commands), and the two
take about 0.9 s to import, a second of every start for a page most processes never serve.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from core.spreadsheets import safe_row, streamed_csv
from scorecards.models import ImprovementPlan, Scorecard, ScorecardReview

if TYPE_CHECKING:
    from fpdf import FPDF

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "≥": ">=", "≤": "<=", "×": "x", "÷": "/"}
)


def _latin(text: Any) -> str:
    """``text`` as Helvetica can write it (Latin-1), nearest characters first."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _number(value: Any, places: int = 2) -> str:
    if value is None:
        return "-"
    return f"{float(value):,.{places}f}"


CENT = Decimal("0.01")


def _points(value: Any) -> Decimal | str:
    """Points as every export writes them: two decimals (``48.50``, not ``48.5``; ``100.00``, not
    ``100.0``); a decimal, so the CSV writes it so and a worksheet keeps a number ("0.00" format)."""
    if value is None or value == "":
        return ""
    return Decimal(str(value)).quantize(CENT)


def review_of(card: Scorecard) -> ScorecardReview | None:
    return ScorecardReview.objects.filter(provider_id=card.provider_id, period=card.period).first()


def _rank(card: Scorecard) -> Any:
    """The stored rank, where the scorecard has one (ranks are stored by the ranking feature)."""
    return getattr(card, "rank", None)


def _rank_text(card: Scorecard, rank: Any) -> str:
    """The rank as the pages say it, "2 of 5 in Customer support & call centre" (a bare "2" says little)."""
    text = f"{rank} of {card.rank_of}" if card.rank_of else str(rank)
    return f"{text} in {card.category.name}" if card.category is not None else text


def scorecard_pdf(card: Scorecard) -> bytes:
    """One A4 page: who, which month, the score and standing (and rank), every criterion with its
    weight and points, what was left out, the template version, and where the review stands."""
    from fpdf import FPDF

    review = review_of(card)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_latin(f"Scorecard {card.provider.name} {card.period:%Y-%m}"))
    pdf.set_creator("BPO Vendor Portal")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin(card.provider.name)[:160], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, _latin(f"Scorecard for {card.period:%B %Y}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    version = card.template_version
    facts = [
        ("Score", f"{_number(card.score)} of 100" if card.score is not None else "no score (no activity)"),
        ("Standing", card.standing or "-"),
    ]
    rank = _rank(card)
    if rank is not None:
        facts.append(("Rank", _rank_text(card, rank)))
    facts.append(("Template", f"{version.template.name} v{version.number}"))
    if review is not None:
        facts.append(("Review", review.get_status_display()))
        if review.decision:
            owner = f", owner {review.decision_owner}" if review.decision_owner else ""
            due = f", due {review.due_date:%Y-%m-%d}" if review.due_date else ""
            facts.append(("Decision", f"{review.get_decision_display()}{owner}{due}"))
    else:
        facts.append(("Review", "not started"))
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(35, 7, _latin(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 7, _latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    rows = card.breakdown.get("criteria", []) if isinstance(card.breakdown, dict) else []
    widths = (70, 25, 35, 25, 30)
    pdf.set_font("Helvetica", "B", 10)
    for width, heading in zip(
        widths, ("Criterion", "Weight", "Effective weight", "Points", "Contribution"), strict=True
    ):
        pdf.cell(width, 7, heading, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for row in rows[:12]:  # with the facts, the note and the plan, still one A4 page
        left_out = bool(row.get("left_out"))
        cells = (
            str(row.get("name", row.get("code", ""))),
            _number(row.get("weight"), 0),
            "left out: no data" if left_out else _number(row.get("effective_weight")),
            _number(row.get("points")),
            _number(row.get("contribution")),
        )
        for width, value in zip(widths, cells, strict=True):
            pdf.cell(width, 7, _latin(value)[:45], border=1)
        pdf.ln()
    if not rows:
        pdf.cell(sum(widths), 7, "No criterion scored this month.", border=1, new_x="LMARGIN", new_y="NEXT")
    _input_lines(pdf, card, rows)
    left_out_names = [str(r.get("name", r.get("code"))) for r in rows if r.get("left_out")]
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    # The stored note already says what was left out when something was: say it once.
    if not (card.note or "").startswith("Left out for lack of data"):
        pdf.multi_cell(
            0,
            6,
            _latin(
                "Left out for lack of data: " + ", ".join(left_out_names) + " (their weight is spread over the others)."
                if left_out_names
                else "No criterion was left out."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if card.note:
        pdf.multi_cell(0, 6, _latin(card.note[:400]), new_x="LMARGIN", new_y="NEXT")

    plan = ImprovementPlan.objects.filter(review=review).first() if review is not None else None
    if plan is not None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        state = "open" if plan.status == ImprovementPlan.Status.OPEN else "closed"
        pdf.cell(0, 7, _latin(f"Improvement plan ({state}): {plan.title}")[:95], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for action in plan.actions.select_related("owner")[:8]:
            mark = "[x]" if action.done else "[ ]"
            line = f"{mark} {action.description[:80]} - {action.owner}, by {action.due_date:%Y-%m-%d}"
            pdf.cell(0, 6, _latin(line)[:110], new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(-20)
    pdf.set_font("Helvetica", "I", 8)
    computed = f"{card.computed_at:%Y-%m-%d %H:%M} UTC" if card.computed_at else "-"
    pdf.cell(0, 5, _latin(f"Computed {computed}. BPO Vendor Portal."), align="C")
    return bytes(pdf.output())


def _input_lines(pdf: FPDF, card: Scorecard, rows: list[dict[str, Any]]) -> None:
    """The SLA and cost inputs as the page says them (each level with its process and contract,
    savings as money with the currency), in small type; capped so the page stays one A4."""
    from scorecards.views import criterion_inputs

    kinds = {c.code: c.kind for c in card.template_version.criteria.all()}
    lines = [
        f"{row.get('name', row.get('code'))}: {line}"
        for row in rows
        if not row.get("left_out") and kinds.get(row.get("code", "")) in ("sla", "cost")
        for line in criterion_inputs(row["code"], kinds[row["code"]], row.get("inputs", {}))
    ]
    if not lines:
        return
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 8)
    for line in lines[:10]:
        pdf.multi_cell(0, 4, _latin(line)[:220], new_x="LMARGIN", new_y="NEXT")
    if len(lines) > 10:
        pdf.cell(0, 4, f"... and {len(lines) - 10} more on the scorecard page.", new_x="LMARGIN", new_y="NEXT")


def pdf_filename(card: Scorecard) -> str:
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in card.provider.name).strip("-") or "provider"
    return f"scorecard-{safe_name}-{card.period:%Y-%m}.pdf"


def pdf_response(card: Scorecard) -> HttpResponse:
    response = HttpResponse(scorecard_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf_filename(card))
    return response


# --- The scorecard table ---------------------------------------------------------------------


def table_rows(cards: Iterable[Scorecard]) -> list[list[Any]]:
    """Header and one row per scorecard: who, month, template, score, standing, the category and
    the rank in it ("1 of 3", as the pages say it), each criterion's points (all points with two
    decimals) (a column per criterion name met), what was left out, the review."""
    cards = list(cards)
    criteria: list[str] = []
    for card in cards:
        for row in card.breakdown.get("criteria", []) if isinstance(card.breakdown, dict) else []:
            name = str(row.get("name", row.get("code", "")))
            if name not in criteria:
                criteria.append(name)
    reviews = {
        (r.provider_id, r.period): r
        for r in ScorecardReview.objects.filter(
            provider_id__in={c.provider_id for c in cards}, period__in={c.period for c in cards}
        )
    }
    header = ["Provider", "Month", "Template", "Version", "Score", "Standing", "Category", "Rank"]
    header += [f"{name} (points)" for name in criteria]
    header += ["Left out", "Review status", "Decision", "Note"]
    rows: list[list[Any]] = [header]
    for card in cards:
        points = {
            str(row.get("name", row.get("code", ""))): row.get("points")
            for row in (card.breakdown.get("criteria", []) if isinstance(card.breakdown, dict) else [])
        }
        review = reviews.get((card.provider_id, card.period))
        rank = _rank(card)
        rows.append(
            [
                card.provider.name,
                f"{card.period:%Y-%m}",
                card.template_version.template.name,
                card.template_version.number,
                _points(card.score),
                card.standing,
                card.category.name if card.category is not None else "",
                f"{rank} of {card.rank_of}" if rank is not None and card.rank_of else (rank or ""),
                *[_points(points.get(name)) for name in criteria],
                ", ".join(card.breakdown.get("left_out", [])) if isinstance(card.breakdown, dict) else "",
                review.get_status_display() if review else "",
                review.get_decision_display() if review and review.decision else "",
                card.note,
            ]
        )
    return rows


def csv_response(cards: Iterable[Scorecard], *, today: dt.date) -> Any:
    return streamed_csv(table_rows(cards), f"scorecards-{today:%Y-%m-%d}.csv")


def xlsx_bytes(cards: Iterable[Scorecard]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Scorecards")
    for row in table_rows(cards):
        # Control characters have no place in a worksheet's XML (openpyxl refuses the whole file).
        values = safe_row([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        sheet.append([_two_places(sheet, v) if isinstance(v, Decimal) else v for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _two_places(sheet: Any, value: Decimal) -> Any:
    """Points as a number Excel shows with two decimals, as the CSV writes them."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=float(value))
    cell.number_format = "0.00"
    return cell


def xlsx_response(cards: Iterable[Scorecard], *, today: dt.date) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(cards), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"scorecards-{today:%Y-%m-%d}.xlsx")
    return response
