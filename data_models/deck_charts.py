"""Drawing deck slides with python-pptx: native, editable charts (chart parts with their data),
finding-first titles, captions and speaker notes, in the app's palette.

Geometry is computed from the presentation's own slide size, so a company template with
another size still lays out; without a template the deck is 16:9 (13.333 × 7.5 in).
"""
from __future__ import annotations

import dataclasses

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from data_models.deck_slides import ChartSpec, SlideSpec
from data_models.formatting import PALETTE

TITLE_PT = 28
BODY_PT = 14
DARK = "#2E4057"
MUTED = "#6C757D"
GRID = "#E9ECEF"
CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
_FURNITURE = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
MARGIN = Inches(0.5)


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


class Layouts:
    """The template's layouts the deck uses: a title slide and a title-only slide."""

    def __init__(self, prs, styled: bool):
        self.prs = prs
        self.styled = styled          # True without a company template: we style text ourselves
        self.title = self.title_only = None
        for layout in prs.slide_layouts:
            types = {ph.placeholder_format.type for ph in layout.placeholders} - _FURNITURE
            if self.title is None and PP_PLACEHOLDER.CENTER_TITLE in types:
                self.title = layout
            if self.title_only is None and types == {PP_PLACEHOLDER.TITLE}:
                self.title_only = layout
        with_title = [l for l in prs.slide_layouts
                      if {ph.placeholder_format.type for ph in l.placeholders} & {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}]
        fallback = with_title[0] if with_title else prs.slide_layouts[0]
        self.title_only = self.title_only or fallback
        self.title = self.title or self.title_only


def _strip_extra_placeholders(slide, keep: set) -> None:
    for ph in list(slide.placeholders):
        if ph.placeholder_format.type not in keep:
            ph._element.getparent().remove(ph._element)


def _set_text(text_frame, text: str, size: int, bold: bool = False, color: str | None = None,
              align=None) -> None:
    text_frame.text = text
    text_frame.word_wrap = True
    for paragraph in text_frame.paragraphs:
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            if color:
                run.font.color.rgb = rgb(color)


def _textbox(slide, x, y, w, h, text: str, size: int = BODY_PT, color: str | None = None, bold: bool = False,
             anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.vertical_anchor = anchor
    _set_text(tf, text, size, bold, color)
    return box


def _title(slide, layouts: Layouts, text: str):
    title = slide.shapes.title
    W = layouts.prs.slide_width
    if title is None:  # a template layout without a title placeholder: a plain text box
        return _textbox(slide, MARGIN, Inches(0.3), W - 2 * MARGIN, Inches(1.2), text, TITLE_PT, DARK, True)
    if layouts.styled:
        title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), W - 2 * MARGIN, Inches(1.2)
        title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _set_text(title.text_frame, text, TITLE_PT, bold=layouts.styled, color=DARK if layouts.styled else None,
              align=PP_ALIGN.LEFT if layouts.styled else None)
    return title


def content_box(slide, layouts: Layouts, title_shape) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the area under the title and above the caption line."""
    W, H = layouts.prs.slide_width, layouts.prs.slide_height
    top = Emu(title_shape.top + title_shape.height + Inches(0.1)) if title_shape is not None else Inches(1.6)
    bottom = H - Inches(1.0)
    return MARGIN, top, W - 2 * MARGIN, max(Inches(1.5), bottom - top)


def _caption(slide, layouts: Layouts, text: str) -> None:
    if not text:
        return
    W, H = layouts.prs.slide_width, layouts.prs.slide_height
    _textbox(slide, MARGIN, H - Inches(0.95), W - 2 * MARGIN, Inches(0.7), text, BODY_PT, MUTED,
             anchor=MSO_ANCHOR.BOTTOM)


def _accent(slide, layouts: Layouts) -> None:
    if layouts.styled:
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.18), layouts.prs.slide_height)
        bar.fill.solid()
        bar.fill.fore_color.rgb = rgb(PALETTE[0])
        bar.line.fill.background()


def add_chart(slide, spec: ChartSpec, x, y, w, h):
    """A native chart whose workbook holds the series values (editable in PowerPoint).

    Horizontal bar charts draw their first category at the bottom, so their categories (and
    values, and point colours) are stored in reverse: the chart then reads top-down in the
    spec's order, with the value axis left at the bottom (reverse_order would move it to the top).
    """
    if spec.kind == "bar":
        spec = dataclasses.replace(
            spec, categories=spec.categories[::-1], series=[(n, list(v)[::-1]) for n, v in spec.series],
            point_colors=spec.point_colors[::-1] if spec.point_colors else None)
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for name, values in spec.series:
        data.add_series(name, values, number_format=spec.number_format)
    chart = slide.shapes.add_chart(CHART_TYPES[spec.kind], x, y, w, h, data).chart
    chart.font.size = Pt(BODY_PT)
    chart.font.color.rgb = rgb(DARK)
    if spec.caption:
        chart.has_title = True
        _set_text(chart.chart_title.text_frame, spec.caption, 16, bold=True, color=DARK)
    else:
        chart.has_title = False
    chart.has_legend = spec.legend and len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(BODY_PT)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
        plot.overlap = -10 if len(spec.series) > 1 else 0
    colors = spec.colors or [PALETTE[i % len(PALETTE)] for i in range(len(spec.series))]
    for series, color in zip(plot.series, colors):
        if spec.kind == "line":
            series.format.line.color.rgb = rgb(color)
            series.format.line.width = Pt(2.5)
            series.smooth = False
        else:
            series.invert_if_negative = False
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb(color)
    if spec.point_colors and spec.kind != "line":
        for series in plot.series:
            for i, color in enumerate(spec.point_colors):
                point = series.points[i]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = rgb(color)
    if spec.data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = spec.number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(BODY_PT)
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb(GRID)
    value_axis.tick_labels.number_format = spec.number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = Pt(BODY_PT)
    value_axis.format.line.fill.background()
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = Pt(BODY_PT)
    category_axis.format.line.color.rgb = rgb(GRID)
    category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # labels clear of negative bars
    return chart


def _charts(slide, charts: list[ChartSpec], box) -> None:
    x, y, w, h = box
    gap = Inches(0.3)
    n = len(charts)
    each = int((w - gap * (n - 1)) / n)
    for i, spec in enumerate(charts):
        add_chart(slide, spec, x + i * (each + gap), y, each, h)


def _bullets(slide, items: list[str], box, size: int, highlights: list[str] | None = None) -> None:
    x, y, w, h = box
    if highlights:
        row = int(h / max(1, len(items)))
        for i, (big, text) in enumerate(zip(highlights, items)):
            top = y + i * row
            _textbox(slide, x, top, Inches(2.2), row, big, 40, PALETTE[0], True, anchor=MSO_ANCHOR.MIDDLE)
            _textbox(slide, x + Inches(2.4), top, w - Inches(2.4), row, text, size, DARK, anchor=MSO_ANCHOR.MIDDLE)
        return
    box_shape = slide.shapes.add_textbox(x, y, w, h)
    tf = box_shape.text_frame
    tf.word_wrap = True
    for i, text in enumerate(items):
        paragraph = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = paragraph.add_run()
        run.text = f"•  {text}"
        run.font.size = Pt(size)
        run.font.color.rgb = rgb(DARK)
        paragraph.space_after = Pt(8)


def render(prs, layouts: Layouts, spec: SlideSpec):
    """Add one slide for `spec` to the presentation and return it."""
    if spec.kind == "title":
        slide = prs.slides.add_slide(layouts.title)
        keep = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.SUBTITLE}
        _strip_extra_placeholders(slide, keep)
        title = _title(slide, layouts, spec.title)
        W, H = prs.slide_width, prs.slide_height
        if layouts.styled:
            title.left, title.top, title.width, title.height = Inches(0.9), Inches(2.2), W - Inches(1.8), Inches(1.4)
            _set_text(title.text_frame, spec.title, 44, bold=True, color=DARK, align=PP_ALIGN.LEFT)
        subtitle = next((ph for ph in slide.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE), None)
        if subtitle is None:
            subtitle = slide.shapes.add_textbox(Inches(0.9), Inches(3.7), W - Inches(1.8), Inches(1.0))
        if layouts.styled:
            subtitle.left, subtitle.top, subtitle.width, subtitle.height = Inches(0.9), Inches(3.7), W - Inches(1.8), Inches(1.0)
        _set_text(subtitle.text_frame, spec.subtitle, 20, color=MUTED if layouts.styled else None,
                  align=PP_ALIGN.LEFT if layouts.styled else None)
        _accent(slide, layouts)
        _caption(slide, layouts, spec.caption)
    else:
        slide = prs.slides.add_slide(layouts.title_only)
        _strip_extra_placeholders(slide, {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE})
        title = _title(slide, layouts, spec.title)
        box = content_box(slide, layouts, title)
        if spec.charts:
            _charts(slide, spec.charts, box)
        elif spec.bullets:
            highlights = getattr(spec, "highlights", None)
            _bullets(slide, spec.bullets, box, 20 if highlights or len(spec.bullets) <= 3 else 16, highlights)
        _accent(slide, layouts)
        _caption(slide, layouts, spec.caption)
    slide.notes_slide.notes_text_frame.text = spec.notes
    return slide
