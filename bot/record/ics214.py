"""The ICS-214-style activity log of an incident as a PDF (reportlab), in the reader's language.

The layout follows FEMA's ICS 214 form: 1 incident name and number, 2 operational period,
3-5 name, ICS position and home agency of the person responsible, 6 resources assigned, 7 the
activity log (date/time and notable activities), 8 prepared by. Times are given in UTC and in both
sides' local time. The input is plain data (`ActivityLog`), built by whoever owns the incident.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bot.i18n import t
from bot.record import messages as _messages  # noqa: F401  (registers the texts)
from bot.record.activity_log import Activity, ActivityLog, Moment, Person  # noqa: F401  (drawn here)

# DejaVu (most Linux systems) covers arrows and the like; reportlab's own Vera is always there.
_FONT_CHOICES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("Vera.ttf", "VeraBd.ttf"),
]


def _fonts() -> tuple[str, str]:
    registered = pdfmetrics.getRegisteredFontNames()
    if "ICS214" in registered:
        return "ICS214", "ICS214-Bold"
    for regular, bold in _FONT_CHOICES:
        if regular.startswith("/") and not Path(regular).exists():
            continue
        pdfmetrics.registerFont(TTFont("ICS214", regular))
        pdfmetrics.registerFont(TTFont("ICS214-Bold", bold))
        return "ICS214", "ICS214-Bold"
    return "Helvetica", "Helvetica-Bold"  # pragma: no cover


def _local(moment: str, utc_day: str) -> str:
    """'2026-07-01 05:05:45 MST' as '05:05:45 MST', with its date when it is not the UTC date."""
    day, _, rest = moment.partition(" ")
    return escape(rest) if day == utc_day else f"{escape(day)}<br/>{escape(rest)}"


def render(log: ActivityLog, lang: str) -> bytes:
    """The PDF as bytes."""
    regular, bold = _fonts()
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    label = ParagraphStyle("label", fontName=bold, fontSize=7, leading=8.5, textColor=colors.HexColor("#333333"))
    value = ParagraphStyle("value", fontName=regular, fontSize=9.5, leading=12)
    small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=18, alignment=TA_CENTER)
    banner = ParagraphStyle(
        "banner", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER, textColor=colors.white
    )

    def cell(caption: str, text: str, style: ParagraphStyle = value) -> list:
        return [Paragraph(escape(caption), label), Paragraph(escape(text).replace("\n", "<br/>") or "&nbsp;", style)]

    def moment(m: Moment | None, open_text: str = "") -> str:
        if m is None:
            return escape(open_text)
        return escape(f"{m.utc} UTC · {m.us} ({log.us_place}) · {m.mx} ({log.mx_place})")

    width = letter[0] - 1.2 * inch
    grid = TableStyle(
        [
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    story: list = []
    if log.drill:
        box = Table([[Paragraph(escape(t("exercise.banner", lang)), banner)]], colWidths=[width])
        box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#b00020"))]))
        story += [box, Spacer(1, 6)]
    story += [Paragraph(escape(tr("record.ics.title")), title), Spacer(1, 6)]

    period_from = moment(log.started)
    period_to = moment(log.ended, tr("record.ics.open"))
    header = Table(
        [
            [
                cell(tr("record.ics.incident_name"), f"{log.incident_name}\n{tr('record.ics.blm')}: {log.blm_name}"),
                cell(tr("record.ics.incident_number"), log.incident_id),
            ],
            [
                [
                    Paragraph(escape(tr("record.ics.period")), label),
                    Table(
                        [
                            [Paragraph(escape(tr("record.ics.from")), label), Paragraph(period_from, small)],
                            [Paragraph(escape(tr("record.ics.to")), label), Paragraph(period_to, small)],
                        ],
                        colWidths=[0.6 * inch, width - 0.6 * inch - 0.2 * inch],
                        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
                    ),
                ],
                "",
            ],
        ],
        colWidths=[width * 0.72, width * 0.28],
    )
    header.setStyle(TableStyle([*grid.getCommands(), ("SPAN", (0, 1), (1, 1))]))
    responsible = log.responsible or Person("")
    who = Table(
        [
            [
                cell(tr("record.ics.name"), responsible.name),
                cell(tr("record.ics.position"), responsible.position),
                cell(tr("record.ics.agency"), responsible.agency),
            ]
        ],
        colWidths=[width * 0.36, width * 0.30, width * 0.34],
    )
    who.setStyle(grid)
    story += [header, who]

    resources = [
        [
            Paragraph(escape(tr("record.ics.name").split(" ", 1)[-1]), label),
            Paragraph(escape(tr("record.ics.position").split(" ", 1)[-1]), label),
            Paragraph(escape(tr("record.ics.agency").split(" ", 1)[-1]), label),
        ]
    ] + [
        [Paragraph(escape(p.name), small), Paragraph(escape(p.position), small), Paragraph(escape(p.agency), small)]
        for p in log.resources
    ]
    caption = Table([[Paragraph(escape(tr("record.ics.resources")), label)]], colWidths=[width])
    caption.setStyle(grid)
    table = Table(resources, colWidths=[width * 0.36, width * 0.30, width * 0.34], repeatRows=1)
    table.setStyle(TableStyle([*grid.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6"))]))
    story += [caption, table]

    rows = [
        [
            Paragraph(escape(tr("record.ics.col_utc")), label),
            Paragraph(escape(log.us_place), label),
            Paragraph(escape(log.mx_place), label),
            Paragraph(escape(tr("record.ics.col_activity")), label),
        ]
    ]
    for activity in log.activities:
        when = activity.when
        day = when.utc.split(" ", 1)[0]
        rows.append(
            [
                Paragraph(escape(when.utc).replace(" ", "<br/>", 1), small),
                Paragraph(_local(when.us, day), small),
                Paragraph(_local(when.mx, day), small),
                Paragraph(
                    f"<b>{escape(activity.who)}</b>: {escape(activity.text)}"
                    if activity.who
                    else escape(activity.text),
                    small,
                ),
            ]
        )
    if log.erased:
        rows.append(["", "", "", Paragraph(escape(tr("record.ics.erased")), small)])
    caption = Table([[Paragraph(escape(tr("record.ics.log")), label)]], colWidths=[width])
    caption.setStyle(grid)
    activities = Table(rows, colWidths=[width * 0.13, width * 0.13, width * 0.13, width * 0.61], repeatRows=1)
    activities.setStyle(TableStyle([*grid.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6"))]))
    story += [caption, activities]

    prepared = Table(
        [
            [
                cell(
                    tr("record.ics.prepared"),
                    tr("record.ics.prepared_by", when=log.generated)
                    + "\n"
                    + tr("record.ics.integrity", count=log.chain_count, head=log.chain_head),
                    small,
                )
            ]
        ],
        colWidths=[width],
    )
    prepared.setStyle(grid)
    story += [prepared]

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(0.6 * inch, 0.45 * inch, tr("record.ics.page", incident=log.incident_id, page=doc.page))
        if log.drill:
            canvas.drawRightString(letter[0] - 0.6 * inch, 0.45 * inch, t("exercise.banner", lang))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.7 * inch,
        title=f"ICS 214 {log.incident_id}",
        author="Border Liaison bot",
        invariant=True,  # the same log gives the same bytes (no creation time or random id)
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
