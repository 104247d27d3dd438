"""Display helpers for the console: sparklines and safe markdown.

Sparklines are drawn server-side as SVG from numbers only, so nothing from a log can
reach the markup; markdown from an LLM is rendered, then sanitized by nh3. Severity
badges and the volume chart are the logs app's (logs/templatetags/severity.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

register = template.Library()

# What an LLM's markdown may keep: text structure; no links, no images, no raw HTML.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "br", "blockquote"}
# A pattern template's placeholder (logs.grouping.WILDCARD). Markdown would read its `*` as
# emphasis, so it crosses the renderer as a private-use character, removed from the input
# first, and comes back as escaped text.
WILDCARD = "<*>"
WILDCARD_MARK = "\ue000"


@register.simple_tag
def sparkline(values: Sequence[int], width: int = 120, height: int = 22) -> SafeString:
    """Bars for counts over time; the title gives the total for screen readers and hover."""
    if not values:
        return mark_safe("")
    peak = max(values) or 1
    step = width / len(values)
    bars = []
    for i, value in enumerate(values):
        h = max(value / peak * height, 1) if value else 0
        bars.append(
            f'<rect x="{i * step:.1f}" y="{height - h:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h:.1f}"></rect>'
        )
    total, hours = int(sum(values)), len(values)
    # Numbers only: nothing from a log or a user reaches this markup.
    return mark_safe(  # noqa: S308
        f'<svg class="spark" width="{int(width)}" height="{int(height)}" role="img" '
        f'fill="#1f5fbf" aria-label="{total} occurrences over {hours} hours">'
        f"<title>{total} over {hours} hours</title>{''.join(bars)}</svg>"
    )


class _LinksAsText(Treeprocessor):
    """Links and images become their text: "docs (https://…)", "[image: alt] (https://…)".

    A model's answer is about logs that producers wrote; a link in it is a claim to read,
    not a place to go. Only http(s) targets are shown; the rest (javascript:, data:) drop.
    """

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for child in [child for child in parent if child.tag in ("a", "img")]:
                self._replace(parent, child)

    @staticmethod
    def _replace(parent: Element, child: Element) -> None:
        if child.tag == "img":
            shown, target = f"[image: {child.get('alt') or ''}]", child.get("src") or ""
        else:
            shown, target = "".join(child.itertext()), child.get("href") or ""
        if target.lower().startswith(("http://", "https://")) and target != shown:
            shown = f"{shown} ({target})" if shown else target
        index = list(parent).index(child)
        text = shown + (child.tail or "")
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(child)


class _LinksAsTextExtension(Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:
        # After "inline" (20), which makes the <a> and <img> elements.
        md.treeprocessors.register(_LinksAsText(md), "links_as_text", 15)


@register.filter
def markdown(text: str) -> SafeString:
    """Render untrusted markdown (LLM output) to HTML that can do nothing but show text.

    Templates' <*> placeholders show as written, in prose and in code alike. Links and
    images, markdown's or raw HTML's, show as text: no href or src comes from a model.
    """
    source = str(text or "").replace(WILDCARD_MARK, "").replace(WILDCARD, WILDCARD_MARK)
    html = markdown_lib.markdown(source, extensions=["sane_lists", _LinksAsTextExtension()])
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={})
    cleaned = cleaned.replace(WILDCARD_MARK, escape(WILDCARD))
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above, <*> escaped
