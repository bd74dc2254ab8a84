"""A one-page HTML report for a service manager, built from the synced DuckDB.

Self-contained: the charts are SVG drawn here, with no JavaScript and nothing fetched. Rebuild it from an
existing warehouse with `python -m demo.report demo_output/halopsa.duckdb demo_output/report.html`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import duckdb

# Service tickets: not deleted (a deletion reaches the warehouse only through `deleted_tickets`) and not
# project tasks. Closed: Halo's built-in Closed status (id 9) or a status of type 1 (Closed, Cancelled).
# The period: the last 12 complete months with tickets (the running month would skew the trends; the
# open-ticket charts show the queue as it is now).
VIEWS = """
CREATE OR REPLACE TEMP VIEW service_tickets AS
SELECT t.*, coalesce(t.status_id = 9 OR s.type = 1, false) AS is_closed, s.sequence AS status_sequence
FROM tickets t LEFT JOIN statuses s ON s.id = t.status_id
WHERE t.id NOT IN (SELECT id FROM deleted_tickets) AND t.id NOT IN (SELECT id FROM project_tasks);
CREATE OR REPLACE TEMP TABLE months AS
SELECT DISTINCT date_trunc('month', dateoccurred) AS month FROM service_tickets
WHERE dateoccurred < date_trunc('month', current_date) ORDER BY month DESC LIMIT 12;
CREATE OR REPLACE TEMP VIEW logged AS
SELECT * FROM service_tickets WHERE date_trunc('month', dateoccurred) IN (SELECT month FROM months);
CREATE OR REPLACE TEMP VIEW sla AS
SELECT *, date_trunc('month', dateclosed) AS month,
       responsedate <= respondbydate AS responded_in_time, dateclosed <= fixbydate AS fixed_in_time
FROM service_tickets
WHERE is_closed AND date_trunc('month', dateclosed) IN (SELECT month FROM months)
  AND NOT coalesce(excludefromsla, false);
CREATE OR REPLACE TEMP VIEW project_status AS
SELECT p.*, coalesce(p.status_id = 9 OR s.type = 1, false) AS is_closed
FROM projects p LEFT JOIN statuses s ON s.id = p.status_id;
CREATE OR REPLACE TEMP VIEW invoiced AS
SELECT m.month, coalesce(sum(i.total - i.amountdue), 0) AS paid, coalesce(sum(i.amountdue), 0) AS due
FROM months m LEFT JOIN invoices i ON date_trunc('month', i.invoice_date) = m.month
GROUP BY m.month;
"""

BLUE, LIGHT_BLUE, GREEN, ORANGE, GREY = "#2f6db5", "#9cc3e6", "#2e9d5b", "#f0a030", "#8a94a6"
PRIORITY_COLOURS = {1: "#d64545", 2: "#f08c00", 3: "#e2b714", 4: "#5aa469"}
CURRENCIES = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}
WIDTH = 640  # every chart's viewBox width; the page scales it to its card

Rows = list[tuple[str, list[float]]]  # a label and one value per series
Series = list[tuple[str, str]]  # a name and a colour per series


# ------------------------------------------------------------------------------------------ formatting


def number(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:.0f}%"


def money(symbol: str) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        for limit, suffix in ((1e6, "m"), (1e3, "k")):
            if abs(value) >= limit:
                return f"{symbol}{value / limit:,.{1 if abs(value) < 10 * limit else 0}f}{suffix}"
        return f"{symbol}{value:,.0f}"

    return fmt


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis steps (1, 2, 2.5 or 5 times a power of ten) from 0 to at least `top`."""
    raw = max(top, 1) / count
    power = 10.0 ** (len(str(int(raw))) - 1) if raw >= 1 else 1.0
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks if len(ticks) > 1 else [0.0, step]


def shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------ SVG


def text(x: float, y: float, value: str, anchor: str = "start", cls: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}">{escape(value)}</text>'


def rect(x: float, y: float, w: float, h: float, colour: str, tip: str) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def vertical_axis_title(title: str, middle: float) -> str:
    return (
        f'<text class="axis" text-anchor="middle" transform="translate(13 {middle:.1f}) rotate(-90)">'
        f"{escape(title)}</text>"
    )


def svg(height: float, body: list[str], label: str, width: int = WIDTH) -> str:
    return f'<svg viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(label)}">{"".join(body)}</svg>'


def hbars(
    rows: Rows,
    series: Series,
    *,
    axis: str,
    fmt=number,
    stacked=False,
    colours=None,
    label_width=200,
    width=WIDTH,
    top=0.0,
) -> str:
    """Horizontal bars, a row per category: grouped side by side, or stacked with the total at the end.
    `colours` gives each row its own colour (one series only); the axis reaches at least `top`."""
    lanes = 1 if stacked else len(series)
    lane, x0, right = 18, label_width, width - 60
    row_height = lanes * lane + 8
    ticks = nice_ticks(max([top] + [sum(v) if stacked else max(v) for _, v in rows]))
    scale = (right - x0) / ticks[-1]
    bottom = 6 + len(rows) * row_height
    body = []
    for tick in ticks:
        x = x0 + tick * scale
        body.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom:.1f}"/>')
        body.append(text(x, bottom + 14, fmt(tick), "middle", "tick"))
    body.append(text((x0 + right) / 2, bottom + 32, axis, "middle", "axis"))
    for i, (label, values) in enumerate(rows):
        y = 6 + i * row_height
        body.append(text(x0 - 8, y + lanes * lane / 2 + 4, shorten(label, label_width // 6), "end", "label"))
        x = x0
        for j, ((name, colour), value) in enumerate(zip(series, values, strict=True)):
            colour = colours[i] if colours else colour
            tip = f"{label} · {name}: {fmt(value)}"
            if stacked:
                body.append(rect(x, y, value * scale, lane, colour, tip))
                if value * scale > 36:
                    body.append(text(x + value * scale / 2, y + lane - 5, fmt(value), "middle", "inside"))
                x += value * scale
            else:
                body.append(rect(x0, y + j * lane, value * scale, lane - 3, colour, tip))
                body.append(text(x0 + value * scale + 4, y + j * lane + lane - 7, fmt(value), cls="value"))
        if stacked:
            body.append(text(x + 4, y + lane - 5, fmt(sum(values)), cls="value"))
    return svg(bottom + 40, body, axis, width)


def columns(rows: Rows, series: Series, *, axis: str, fmt=number, stacked=False) -> str:
    """Vertical bars, a column (or group of columns) per category, values printed on top."""
    x0, right, top, plot = 62, WIDTH - 8, 20, 230
    ticks = nice_ticks(max((sum(v) if stacked else max(v) for _, v in rows), default=0))
    scale, base = plot / ticks[-1], top + plot
    slot = (right - x0) / max(len(rows), 1)
    lanes = 1 if stacked else len(series)
    width = min(slot * 0.78 / lanes, 52)
    body = [vertical_axis_title(axis, top + plot / 2)]
    for tick in ticks:
        y = base - tick * scale
        body.append(f'<line class="grid" x1="{x0}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        body.append(text(x0 - 6, y + 4, fmt(tick), "end", "tick"))
    for i, (label, values) in enumerate(rows):
        middle = x0 + slot * (i + 0.5)
        body.append(text(middle, base + 16, label, "middle", "tick"))
        y = base
        for j, ((name, colour), value) in enumerate(zip(series, values, strict=True)):
            tip, h = f"{label} · {name}: {fmt(value)}", value * scale
            if stacked:
                body.append(rect(middle - width / 2, y - h, width, h, colour, tip))
                y -= h
            else:
                x = middle - lanes * width / 2 + j * width
                body.append(rect(x + 1, base - h, width - 2, h, colour, tip))
                body.append(text(x + width / 2, base - h - 4, fmt(value), "middle", "value small"))
        if stacked:
            body.append(text(middle, y - 5, fmt(sum(values)), "middle", "value small"))
    return svg(base + 26, body, axis)


def trend(rows: Rows, series: Series, *, axis: str, fmt=percent) -> str:
    """A line per series across the categories (months), each point labelled; the axis ends at 100%."""
    x0, right, top, plot = 62, WIDTH - 20, 20, 220
    lowest = min((v for _, values in rows for v in values), default=0)
    floor = max(0.0, (lowest // 10) * 10 - 10)
    scale, base = plot / (100 - floor), top + plot
    step = (right - x0 - 20) / max(len(rows) - 1, 1)
    body = [vertical_axis_title(axis, top + plot / 2)]
    for tick in range(int(floor), 101, 10 if 100 - floor <= 50 else 20):
        y = base - (tick - floor) * scale
        body.append(f'<line class="grid" x1="{x0}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        body.append(text(x0 - 6, y + 4, fmt(tick), "end", "tick"))
    for i, (label, _) in enumerate(rows):
        body.append(text(x0 + 10 + i * step, base + 16, label, "middle", "tick"))
    for j, (name, colour) in enumerate(series):
        points = [
            (x0 + 10 + i * step, base - (values[j] - floor) * scale) for i, (_, values) in enumerate(rows)
        ]
        body.append(
            f'<polyline class="line" stroke="{colour}" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        for (x, y), (label, values) in zip(points, rows, strict=True):
            tip = escape(f"{label} · {name}: {fmt(values[j])}")
            body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{tip}</title></circle>')  # fmt: skip
            above = values[j] >= max(values) or y + 17 > base  # the higher value's label goes on top
            body.append(text(x, y - 8 if above else y + 17, fmt(values[j]), "middle", "value small"))
    return svg(base + 26, body, axis)


# ------------------------------------------------------------------------------------------ the charts


class Report:
    """The report's queries; each chart method returns an HTML card."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(VIEWS)
        currencies = [c for (c,) in self.rows("SELECT DISTINCT currency FROM invoices WHERE currency <> ''")]
        code = currencies[0] if len(currencies) == 1 else ""
        self.money = money(CURRENCIES.get(code, f"{code} " if code else ""))
        self.first, self.last = self.rows("SELECT min(month), max(month) FROM months")[0]
        self.period = f"{self.first:%b %Y} – {self.last:%b %Y}" if self.first else "no complete month yet"

    def rows(self, sql: str) -> list[tuple]:
        return self.con.sql(sql).fetchall()

    def open_by_status(self) -> str:
        data = self.rows(
            "SELECT status_name, count(*) FROM service_tickets WHERE NOT is_closed "
            "GROUP BY status_name, status_sequence ORDER BY status_sequence, status_name"
        )
        chart = hbars([(s, [n]) for s, n in data], [("Open tickets", BLUE)], axis="Open tickets")
        subtitle = f"{sum(n for _, n in data):,} open service tickets now, in workflow order"
        return card("Open tickets by status", subtitle, chart, data)

    def open_by_priority(self) -> str:
        data = self.rows(
            "SELECT priority_id, any_value(priority_name), count(*) FROM service_tickets WHERE NOT is_closed "
            "GROUP BY priority_id ORDER BY priority_id"
        )
        total = sum(n for *_, n in data) or 1
        chart = hbars(
            [(f"{name or pid} ({100 * n / total:.0f}%)", [n]) for pid, name, n in data],
            [("Open tickets", BLUE)],
            colours=[PRIORITY_COLOURS.get(pid, GREY) for pid, *_ in data],
            axis="Open tickets",
            label_width=150,
        )
        return card("Open tickets by priority", "The open queue now; its share in brackets", chart, data)

    def sla_by_priority(self) -> str:
        data = self.rows(
            "SELECT priority_id, any_value(priority_name), count(*), 100 * avg(responded_in_time::int), "
            "100 * avg(fixed_in_time::int) FROM sla GROUP BY priority_id ORDER BY priority_id"
        )
        series = [("Responded within SLA", LIGHT_BLUE), ("Fixed within SLA", BLUE)]
        rows = [(f"{name or pid} ({n:,} closed)", [r, f]) for pid, name, n, r, f in data]
        chart = hbars(
            rows, series, axis="Closed tickets within target (%)", fmt=percent, label_width=190, top=100
        )
        subtitle = f"Tickets closed {self.period}, against Halo's respond-by and fix-by dates"
        return card("SLA compliance by priority", subtitle, chart, data, series)

    def sla_by_month(self) -> str:
        data = self.rows(
            "SELECT month, 100 * avg(responded_in_time::int), 100 * avg(fixed_in_time::int) FROM sla "
            "GROUP BY month ORDER BY month"
        )
        series = [("Responded within SLA", LIGHT_BLUE), ("Fixed within SLA", BLUE)]
        chart = trend(
            [(f"{m:%b %y}", [r, f]) for m, r, f in data], series, axis="Closed tickets within target (%)"
        )
        return card("SLA compliance by month", f"By month closed, {self.period}", chart, data, series)

    def tickets_per_client(self) -> str:
        data = self.rows(
            "SELECT client_name, count(*) FILTER (NOT is_closed), count(*) FILTER (is_closed) FROM logged "
            "GROUP BY client_name ORDER BY count(*) DESC, client_name LIMIT 15"
        )
        series = [("Still open", ORANGE), ("Closed", BLUE)]
        chart = hbars([(c, [o, d]) for c, o, d in data], series, axis="Tickets logged", stacked=True)
        return card("Tickets per client (top 15)", f"Tickets logged {self.period}", chart, data, series)

    def invoiced_by_month(self) -> str:
        data = self.rows("SELECT month, paid, due FROM invoiced ORDER BY month")
        series = [("Paid", BLUE), ("Outstanding", ORANGE)]
        rows = [(f"{m:%b %y}", [float(paid), float(due)]) for m, paid, due in data]
        chart = columns(rows, series, axis="Invoiced, incl. tax", fmt=self.money, stacked=True)
        subtitle = f"By invoice date, {self.period}: {self.money(sum(sum(v) for _, v in rows))} in all"
        return card("Invoiced amounts by month", subtitle, chart, [r for r in rows if sum(r[1])], series)

    def project_completion(self) -> str:
        data = self.rows(
            """SELECT p.summary, p.is_closed, count(t.id), count(t.dateclosed),
                      coalesce(p.projecttimepercentage, 0)
               FROM project_status p LEFT JOIN project_tasks t ON t.parent_id = p.id
               GROUP BY p.id, p.summary, p.is_closed, p.projecttimepercentage, p.last_update
               ORDER BY p.is_closed,
                        CASE WHEN NOT p.is_closed THEN count(t.dateclosed) / greatest(count(t.id), 1) END,
                        p.last_update DESC
               LIMIT 15"""
        )
        series = [("Tasks closed", GREEN), ("Time budget used", LIGHT_BLUE)]
        rows = [(f"{shorten(name, 40)} ({done}/{tasks}{', closed' if closed else ''})",
                 [100 * done / max(tasks, 1), float(used)])
                for name, closed, tasks, done, used in data]  # fmt: skip
        chart = hbars(
            rows, series, axis="% of the project", fmt=percent, label_width=390, width=2 * WIDTH, top=100
        )
        subtitle = (
            "Open projects, least complete first, then the latest closed: tasks closed (closed/all) and hours"
            " used of the time budget"
        )
        return card("Project completion", subtitle, chart, data, series, wide=True)

    def kpis(self) -> list[tuple[str, str]]:
        open_tickets, open_projects = self.rows(
            "SELECT (SELECT count(*) FROM service_tickets WHERE NOT is_closed), "
            "(SELECT count(*) FROM project_status WHERE NOT is_closed)"
        )[0]
        (last_month,) = self.rows(
            "SELECT count(*) FROM logged WHERE dateoccurred >= (SELECT max(month) FROM months)"
        )[0]
        responded, fixed = self.rows(
            "SELECT 100 * avg(responded_in_time::int), 100 * avg(fixed_in_time::int) FROM sla"
        )[0]
        paid, due = self.rows("SELECT sum(paid), sum(due) FROM invoiced")[0]
        outstanding = self.rows("SELECT sum(amountdue) FROM invoices")[0][0]
        month = f"{self.last:%B %Y}" if self.last else "the last month"
        return [
            (f"{open_tickets:,}", "open service tickets"),
            (f"{last_month:,}", f"tickets logged in {month}"),
            (percent(responded or 0), "responded within SLA, last 12 months"),
            (percent(fixed or 0), "fixed within SLA, last 12 months"),
            (self.money(float((paid or 0) + (due or 0))), "invoiced in the last 12 months"),
            (self.money(float(outstanding or 0)), "outstanding on all invoices"),
            (f"{open_projects:,}", "open projects"),
        ]


CHARTS = [
    Report.open_by_status,
    Report.open_by_priority,
    Report.sla_by_priority,
    Report.sla_by_month,
    Report.tickets_per_client,
    Report.invoiced_by_month,
    Report.project_completion,
]


def card(title: str, subtitle: str, chart: str, data: list, series: Series = (), wide=False) -> str:
    if not data:
        chart = '<p class="none">No data in the warehouse for this chart.</p>'
    keys = "".join(f'<span class="key"><i style="background:{c}"></i>{escape(n)}</span>' for n, c in series)
    return (
        f'<section class="card{" wide" if wide else ""}"><h2>{escape(title)}</h2>'
        f'<p class="sub">{escape(subtitle)}</p><div class="legend">{keys}</div>{chart}</section>'
    )


def build(con: duckdb.DuckDBPyConnection, path: Path, *, source: str) -> None:
    """Writes the report for the warehouse behind `con` to `path`."""
    report = Report(con)
    tiles = "".join(
        f'<div class="kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in report.kpis()
    )
    built = datetime.now(timezone.utc).strftime("%d %b %Y %H:%M UTC")
    path.write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service desk report · {escape(source)}</title>
<style>{STYLE}</style></head><body>
<header><h1>Service desk report</h1><p>{escape(source)} · the last 12 complete months: {report.period}</p></header>
<div class="kpis">{tiles}</div>
<main>{"".join(chart(report) for chart in CHARTS)}</main>
<footer>Built {built} from the DuckDB warehouse that source-halopsa filled through PyAirbyte. Service tickets
exclude project tasks and deleted tickets.</footer>
</body></html>
""",
        encoding="utf-8",
    )


STYLE = """
body{margin:0;background:#f3f5f8;color:#1d2433;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{background:#1d2b45;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:24px;font-weight:600} header p{margin:4px 0 0;color:#c5cfdf}
.kpis{display:grid;grid-template-columns:repeat(7,1fr);gap:16px;padding:18px 32px 0}
.kpi{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:12px 16px}
.kpi b{display:block;font-size:26px;font-weight:650} .kpi span{color:#5b6578;font-size:12.5px}
main{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:16px 32px;align-items:start}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 18px}
.card.wide{grid-column:1/-1}
h2{margin:0;font-size:17px} .sub{margin:2px 0 6px;color:#5b6578;font-size:12.5px}
.legend{font-size:12px;color:#3a4356;min-height:6px;margin-bottom:6px}
.key{margin-right:16px} .key i{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 6px -1px 0}
svg{width:100%;height:auto;display:block} svg text{font-size:12px;fill:#1d2433}
.tick{font-size:11px;fill:#5b6578} .axis{font-size:11.5px;fill:#5b6578} .value{font-weight:600}
.small{font-size:10.5px} .inside{fill:#fff;font-size:10.5px;font-weight:600}
.grid{stroke:#e6e9ef;stroke-width:1} .line{fill:none;stroke-width:2.5}
.none{color:#5b6578} footer{padding:0 32px 24px;color:#5b6578;font-size:12px}
"""


def main() -> None:
    db, html = (Path(arg) for arg in sys.argv[1:3])
    with duckdb.connect(str(db), read_only=True) as con:
        build(con, html, source=str(db))
    print(html)


if __name__ == "__main__":
    main()
