"""One self-contained HTML file to look at before reading numbers (docs/report.md).

``precis.report(records, "report.html")`` scores the records (relevance, faithfulness,
conciseness, and the citation metrics when the sources carry ids), then writes: a distribution
per metric, systems side by side with bootstrap intervals, the meta-evaluation table when human
labels are given, the worst records, and every record (or a stated sample of them) with its
sentences and claims highlighted; hovering a sentence shows its best-supporting source sentence.
Nothing is loaded from the network: styles, script and charts (plain SVG) are inside the file.
"""

from __future__ import annotations

import html
import math
import os
import random
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import stats
from .citations import CitationScorer, citation_batch
from .grounded import grounded_batch, grounded_sentences

__all__ = ["report"]

HEADLINE = ("relevance", "faithfulness", "conciseness", "citation_score", "citation_support",
            "citation_precision", "citation_coverage")
KINDS = {  # sentence class -> what the legend says
    "unsupported": "no source supports it (support < 0.5)",
    "number": "a number no source has",
    "name": "a name no source has",
    "miscited": "its citation points at a source that does not support it",
    "redundant": "repeats an earlier sentence",
}
WORST = 10


def _records(data) -> list:
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        return data.to_dict("records")
    return [dict(r) for r in data]


def _source_texts(sources) -> dict:
    """{id: text} under the id conventions of the scorers (a str is "1"; a list is 1, 2, ...)."""
    if sources is None:
        return {}
    if isinstance(sources, str):
        return {"1": sources}
    if isinstance(sources, Mapping):
        return {str(k): str(v) for k, v in sources.items()}
    out = {}
    for k, item in enumerate(sources, 1):
        if isinstance(item, str):
            out[str(k)] = item
        elif isinstance(item, Mapping):
            out[str(item.get("id") or k)] = str(item.get("text", ""))
        else:
            out[str(item[0])] = str(item[1])
    return out


def _slice(text: str, begin, end) -> str:
    """`text[begin:end]` where begin and end are UTF-8 byte offsets (as the scorers report)."""
    if begin is None or end is None or (isinstance(begin, float) and math.isnan(begin)):
        return ""
    return text.encode("utf-8")[int(begin):int(end)].decode("utf-8", errors="replace")


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.3f}" if isinstance(v, float) else html.escape(str(v))


# ---- charts (plain SVG) ------------------------------------------------------------------------

def _histogram(name: str, values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    width, height, pad = 300, 130, 22
    counts, _ = np.histogram(values, bins=20, range=(0.0, 1.0))
    top = max(int(counts.max()) if len(counts) else 0, 1)
    bar = (width - 2 * pad) / 20
    bars = "".join(
        f'<rect x="{pad + i * bar:.1f}" y="{height - pad - c / top * (height - 2 * pad):.1f}" '
        f'width="{bar - 1:.1f}" height="{c / top * (height - 2 * pad):.1f}"><title>'
        f'{i / 20:.2f}-{(i + 1) / 20:.2f}: {c}</title></rect>' for i, c in enumerate(counts))
    mean = float(values.mean()) if len(values) else float("nan")
    marker = ("" if math.isnan(mean) else
              f'<line class="mean" x1="{pad + mean * (width - 2 * pad):.1f}" y1="{pad - 6}" '
              f'x2="{pad + mean * (width - 2 * pad):.1f}" y2="{height - pad}"/>')
    return (f'<figure class="chart" data-chart="histogram"><svg viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{html.escape(name)}">'
            f'{bars}{marker}<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
            f'y2="{height - pad}"/><text x="{pad}" y="{height - 6}">0</text>'
            f'<text x="{width - pad}" y="{height - 6}" text-anchor="end">1</text></svg>'
            f'<figcaption>{html.escape(name)}: mean {_fmt(mean)}, n {len(values)}</figcaption>'
            f'</figure>')


def _system_chart(name: str, ranked) -> str:
    rows = len(ranked)
    width, label, pad, step = 420, 140, 16, 22
    height = pad * 2 + step * rows + 6
    x = lambda v: label + v * (width - label - pad)  # noqa: E731
    parts = []
    for i, r in enumerate(ranked.itertuples()):
        y = pad + step * i + step / 2
        parts.append(f'<text x="{label - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{html.escape(str(r.system))[:22]}</text>')
        if not math.isnan(r.low):
            parts.append(f'<line class="ci" x1="{x(r.low):.1f}" y1="{y:.1f}" x2="{x(r.high):.1f}" '
                         f'y2="{y:.1f}"/>')
        parts.append(f'<circle cx="{x(r.mean):.1f}" cy="{y:.1f}" r="4"><title>{html.escape(str(r.system))}: '
                     f'{r.mean:.3f} [{r.low:.3f}, {r.high:.3f}]</title></circle>')
    parts.append(f'<line class="axis" x1="{label}" y1="{height - pad}" x2="{width - pad}" '
                 f'y2="{height - pad}"/><text x="{label}" y="{height - 4}">0</text>'
                 f'<text x="{width - pad}" y="{height - 4}" text-anchor="end">1</text>')
    return (f'<figure class="chart" data-chart="systems"><svg viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{html.escape(name)} by system">'
            f'{"".join(parts)}</svg><figcaption>{html.escape(name)}: mean and 95% bootstrap '
            f'interval per system</figcaption></figure>')


# ---- one record --------------------------------------------------------------------------------

def _tokens(items) -> str:
    """Flagged tokens, given as (begin, end, text) triples or plain strings."""
    return ", ".join(str(t[-1]) if isinstance(t, (tuple, list)) else str(t) for t in items)


def _sentence_classes(row: dict, claims: list, begin: int, end: int) -> tuple:
    flags = set(filter(None, str(row.get("flags") or "").split(",")))
    kinds, notes = [], []
    if "unsupported" in flags:
        kinds.append("unsupported")
    if row.get("unsupported_numbers"):
        kinds.append("number")
        notes.append("number not in the sources: " + _tokens(row["unsupported_numbers"]))
    if row.get("novel_names"):
        kinds.append("name")
        notes.append("name not in the sources: " + _tokens(row["novel_names"]))
    if row.get("redundant_with") is not None and not (isinstance(row["redundant_with"], float)
                                                      and math.isnan(row["redundant_with"])):
        kinds.append("redundant")
        notes.append(f"repeats sentence {int(row['redundant_with']) + 1}")
    for claim in claims:
        if claim["end"] <= begin or claim["begin"] >= end:
            continue
        cited = ", ".join(claim.get("cited") or []) or "nothing"
        note = f"cites {cited}, support {claim['support']:.2f}"
        if claim.get("dangling"):
            note += "; unknown source " + ", ".join(claim["dangling"])
        if claim.get("misattributed") or claim.get("dangling") or (
                claim.get("cited") and not claim.get("supported")):
            kinds.append("miscited")
            if claim.get("better_source"):
                note += f"; better: {claim['better_source']} ({claim['better_support']:.2f})"
        notes.append(note)
    return kinds, notes


def _record_card(index: int, record: dict, summary_field: str, sources_field: str, row: dict,
                 sentences: list, claims: list, metrics: Sequence[str]) -> str:
    summary = str(record.get(summary_field) or "")
    sources = _source_texts(record.get(sources_field, record.get("source")))
    pieces, at = [], 0
    raw = summary.encode("utf-8")
    kinds_seen = set()
    for s in sentences:
        if s.get("begin") is None or (isinstance(s["begin"], float) and math.isnan(s["begin"])):
            continue
        begin, end = int(s["begin"]), int(s["end"])
        pieces.append(html.escape(raw[at:begin].decode("utf-8", errors="replace")))
        kinds, notes = _sentence_classes(s, claims, begin, end)
        kinds_seen.update(kinds)
        best = s.get("best_source")
        evidence = _slice(sources.get(str(best), ""), s.get("source_begin"), s.get("source_end"))
        tip = [f"support {_fmt(s.get('support'))}"]
        if best is not None and evidence:
            tip.append(f"best source {best}: \u201c{evidence.strip()}\u201d")
        tip += notes
        pieces.append(f'<span class="s {" ".join(kinds)}" tabindex="0" '
                      f'data-tip="{html.escape(" | ".join(tip))}">'
                      f'{html.escape(raw[begin:end].decode("utf-8", errors="replace"))}</span>')
        at = end
    pieces.append(html.escape(raw[at:].decode("utf-8", errors="replace")))
    scores = "".join(f"<td>{_fmt(row.get(m))}</td>" for m in metrics)
    error = row.get("error")
    error_html = (f'<p class="error">{html.escape(str(error))}</p>'
                  if isinstance(error, str) and error else "")
    rid = html.escape(str(row.get("id", index)))
    source_list = "".join(f"<li><b>{html.escape(k)}</b> {html.escape(v)}</li>"
                          for k, v in sources.items())
    return (f'<article class="record" id="r{index}" data-kinds="{" ".join(sorted(kinds_seen))}">'
            f'<h3>{rid}</h3><table class="scores"><tr>'
            f'{"".join(f"<th>{html.escape(m)}</th>" for m in metrics)}</tr><tr>{scores}</tr>'
            f'</table>{error_html}<p class="summary">{"".join(pieces)}</p>'
            f'<details><summary>sources ({len(sources)})</summary><ul>{source_list}</ul>'
            f'</details></article>')


# ---- the page ----------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#222;
 overflow-x:hidden}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
h3{font-size:14px;margin:0 0 6px}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{margin:0}
.chart rect{fill:#4a7bb7}.chart .mean{stroke:#d9480f;stroke-width:2}.chart .axis{stroke:#888}
.chart .ci{stroke:#4a7bb7;stroke-width:3}.chart circle{fill:#d9480f}.chart text{font-size:10px}
figcaption{font-size:12px;color:#555}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}
.record{border:1px solid #ddd;border-radius:6px;padding:10px;margin:10px 0}
.summary{font-size:15px}.error{color:#b00020}
.s{border-radius:3px;position:relative;cursor:help}
.s.unsupported{background:#ffd8d8}.s.number{box-shadow:inset 0 -3px #f08c00}
.s.name{box-shadow:inset 0 -3px #9c36b5}.s.miscited{text-decoration:underline wavy #1c7ed6}
.s.redundant{color:#888;text-decoration:line-through}
.s:hover::after,.s:focus::after{content:attr(data-tip);position:absolute;left:0;top:1.6em;z-index:2;
 width:420px;background:#222;color:#fff;padding:6px 8px;border-radius:4px;font-size:12px;
 white-space:normal}
.legend span{margin-right:14px}.note{color:#555;font-size:12px}
#filter{margin:6px 0}
"""

SCRIPT = """
(function () {
  var records = document.querySelectorAll('article.record');
  var select = document.getElementById('filter');
  select.addEventListener('change', function () {
    var kind = select.value, shown = 0;
    records.forEach(function (r) {
      var on = !kind || (' ' + r.dataset.kinds + ' ').indexOf(' ' + kind + ' ') >= 0;
      r.style.display = on ? '' : 'none';
      if (on) shown += 1;
    });
    document.getElementById('shown').textContent = shown;
  });
  document.getElementById('shown').textContent = records.length;
  document.body.dataset.records = String(records.length);
  document.body.dataset.charts = String(document.querySelectorAll('figure.chart svg').length);
  document.body.dataset.ready = '1';
})();
"""


def report(records: Union[Iterable[Mapping[str, Any]], Any], path: Union[str, Path], *,
           results: Optional[Any] = None, human: Optional[Any] = None,
           metrics: Optional[Sequence[str]] = None, system: Optional[str] = "system_id",
           document: Optional[str] = "doc_id", id_field: str = "id",
           summary_field: str = "summary", sources_field: str = "sources",
           citations: Optional[bool] = None, max_records: int = 200, seed: int = 0,
           resamples: int = 1000, title: str = "precis report", threads: int = 0) -> Path:
    """Writes the report of ``records`` to ``path`` and returns the path.

    ``records``: dicts or a DataFrame with ``summary`` and ``sources`` (or ``source``); optional
    ``id``, ``system_id`` and ``doc_id`` columns (named by ``id_field``, ``system``,
    ``document``). ``results``: more metric columns aligned with the records (a ScoreTable or
    DataFrame, e.g. ROUGE), shown beside precis' own. ``human``: a DataFrame of human labels
    aligned with the records: the report then carries the meta-evaluation table. ``citations``:
    score citations (default: when any source carries an id). More than ``max_records`` records
    are sampled (seeded; the worst always shown) and the page says so; charts use all records.
    """
    try:
        import pandas  # noqa: F401  (the system and agreement tables are DataFrames)
    except ImportError as e:
        raise ImportError("precis.report needs pandas: pip install 'precis[pandas]'") from e
    rows = _records(records)
    n = len(rows)
    for i, r in enumerate(rows):
        r.setdefault(id_field, str(i))
        if sources_field not in r and "source" in r:
            r[sources_field] = r["source"]
    table = dict(grounded_batch(rows, threads=threads, sources_field=sources_field,
                                summary_field=summary_field, id_field=id_field))
    if citations is None:
        citations = any(isinstance(r.get(sources_field), (list, tuple, Mapping))
                        for r in rows)
    if citations:
        cite = citation_batch(rows, threads=threads, sources_field=sources_field,
                              summary_field=summary_field, id_field=id_field)
        for name, column in cite.items():
            if name not in ("id", "error"):
                table[name] = column
    if results is not None:
        for name, column in dict(results).items():
            if name not in ("id", "error"):
                table[name] = list(column)
    if metrics is None:  # precis' headline metrics, then every numeric column of `results`
        extra = [m for m in (dict(results) if results is not None else {})
                 if m not in HEADLINE and m not in ("id", "error") and _numeric(table[m])]
        metrics = [m for m in HEADLINE if m in table] + extra
    columns = {m: np.asarray(table[m], dtype=np.float64) for m in metrics}

    sections = [f"<h1>{html.escape(title)}</h1>",
                f'<p class="note">{n} records; {sum(1 for e in table["error"] if e)} could not be '
                f"scored (their error is shown on their card).</p>"]

    sections.append("<h2>Distributions</h2><div class=\"charts\">" +
                    "".join(_histogram(m, v) for m, v in columns.items()) + "</div>")

    systems = [r.get(system) for r in rows] if system else []
    if system and all(s is not None for s in systems) and len(set(systems)) > 1:
        charts, tables = [], []
        for m in metrics:
            frame = _frame({m: columns[m], "system": systems,
                            "document": [r.get(document, i) if document else i
                                         for i, r in enumerate(rows)]})
            ranked = stats.compare_systems(frame, m, system="system", document="document",
                                           resamples=resamples, seed=seed)
            charts.append(_system_chart(m, ranked))
        sections.append(f"<h2>Systems</h2><p class=\"note\">{len(set(systems))} systems "
                        f"(column <code>{html.escape(system)}</code>); intervals: "
                        f"{resamples} bootstrap resamples of documents, seed {seed}.</p>"
                        f'<div class="charts">{"".join(charts)}</div>')

    if human is not None:
        frame = _frame({**{m: columns[m] for m in metrics},
                        "doc_id": [r.get(document, i) if document else i
                                   for i, r in enumerate(rows)]})
        meta = stats.meta_evaluate(frame, human, metrics=list(metrics), document="doc_id",
                                   resamples=resamples, seed=seed)
        body = "".join(
            f"<tr><td>{html.escape(str(r.metric))}</td><td>{html.escape(str(r.human))}</td>"
            f"<td>{r.method}</td><td>{_fmt(r.value)}</td><td>[{_fmt(r.low)}, {_fmt(r.high)}]</td>"
            f"<td>{r.documents}</td></tr>" for r in meta.itertuples())
        sections.append("<h2>Agreement with human labels</h2><p class=\"note\">Summary level: "
                        "per document over its summaries, then the mean (documents where either "
                        "side is constant are skipped); 95% bootstrap intervals over documents."
                        "</p><table class=\"meta\"><tr><th>metric</th><th>human</th>"
                        "<th>method</th><th>value</th><th>95% CI</th><th>documents</th></tr>"
                        f"{body}</table>")

    key = metrics[0] if metrics else None
    order = (sorted(range(n), key=lambda i: (math.isnan(columns[key][i]), columns[key][i]))
             if key else list(range(n)))
    worst = [i for i in order if key and not math.isnan(columns[key][i])][:WORST]
    sections.append(f"<h2>Worst records by {html.escape(str(key))}</h2><ol>" + "".join(
        f'<li><a href="#r{i}">{html.escape(str(rows[i][id_field]))}</a> '
        f"{_fmt(columns[key][i])}</li>" for i in worst) + "</ol>")

    shown = list(range(n))
    sampling = f"all {n} records"
    if n > max_records:
        rng = random.Random(seed)
        rest = [i for i in range(n) if i not in set(worst)]
        shown = sorted(set(worst) | set(rng.sample(rest, max_records - len(worst))))
        sampling = (f"{len(shown)} of {n} records: the {len(worst)} worst and a random sample "
                    f"of the rest (seed {seed})")
    detail_rows = [rows[i] for i in shown]
    per_sentence = grounded_sentences(detail_rows, threads=threads, sources_field=sources_field,
                                      summary_field=summary_field, id_field=id_field)
    sentence_rows = [dict(zip(per_sentence, values)) for values in zip(*per_sentence.values())]
    by_record: dict = {}
    for s in sentence_rows:
        by_record.setdefault(s["record"], []).append(s)
    cards = []
    for k, i in enumerate(shown):
        claims = []
        sources = rows[i].get(sources_field)
        if citations and isinstance(sources, (list, tuple, Mapping)) and not table["error"][i]:
            details = CitationScorer(sources).details_batch([str(rows[i].get(summary_field))])[0]
            claims = details["claim_details"] if isinstance(details, dict) else []
        row = {m: columns[m][i] for m in metrics}
        row.update(id=rows[i][id_field], error=table["error"][i])
        cards.append(_record_card(i, rows[i], summary_field, sources_field, row,
                                  by_record.get(k, []), claims, metrics))
    legend = "".join(f'<span class="s {k}" data-tip="{html.escape(v)}">{k}</span>'
                     for k, v in KINDS.items())
    options = "".join(f'<option value="{k}">{k}</option>' for k in KINDS)
    sections.append(f"<h2>Records</h2><p class=\"note\">Showing {sampling}. Hover a sentence "
                    f"for its support and best-supporting source sentence.</p>"
                    f'<p class="legend">{legend}</p><p>Show <select id="filter">'
                    f'<option value="">every record</option>{options}</select> '
                    f'(<span id="shown"></span> shown)</p>{"".join(cards)}')

    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f'{"".join(sections)}<script>{SCRIPT}</script></body></html>')
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a page
    return path


def _numeric(column) -> bool:
    try:
        np.asarray(column, dtype=np.float64)
        return True
    except (TypeError, ValueError):
        return False


def _frame(columns: dict):
    import pandas as pd
    return pd.DataFrame(columns)
