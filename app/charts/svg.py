"""SVG without inline CSS, so a chart draws under the pages' Content-Security-Policy.

matplotlib writes every colour, stroke and font as a ``style="..."`` attribute and puts a
``<style>`` element in ``<defs>``. A policy without ``'unsafe-inline'`` (app/security.py)
refuses both, in a page that embeds the SVG and in the SVG opened on its own, and the chart
then draws black on black. The same declarations written as SVG presentation attributes
(``fill="#ffffff"``) mean the same thing and are not CSS, so the policy leaves them alone.
"""

from __future__ import annotations

import re

#: The properties matplotlib writes, all of them SVG presentation attributes (SVG 1.1, 6.4).
PRESENTATION_ATTRIBUTES = frozenset({
    "clip-path", "clip-rule", "color", "fill", "fill-opacity", "fill-rule", "font-family",
    "font-size", "font-style", "font-variant", "font-weight", "letter-spacing", "opacity",
    "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "visibility",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "writing-mode",
})

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_EVERY_ELEMENT_RULE = re.compile(r"^\s*\*\s*\{([^}]*)\}\s*$", re.S)


def declarations(css: str) -> list[tuple[str, str]]:
    """``"fill: #fff; stroke: none"`` -> ``[("fill", "#fff"), ("stroke", "none")]``."""
    found = []
    for part in css.split(";"):
        name, colon, value = part.partition(":")
        if colon and name.strip():
            found.append((name.strip().lower(), value.strip()))
    return found


def _attributes(css: str) -> str:
    """The declarations as attributes; a property that is no presentation attribute is left
    out (the policy would have refused it anyway)."""
    return "".join(f' {name}="{value.replace(chr(34), chr(39))}"'
                   for name, value in declarations(css) if name in PRESENTATION_ATTRIBUTES)


def presentation_attributes(svg: str) -> str:
    """The SVG with its style attributes and its ``* {...}`` style element written as
    presentation attributes (the element's rule goes on the root, whence it inherits)."""
    inherited = ""
    for rule in _STYLE_ELEMENT.findall(svg):
        every = _EVERY_ELEMENT_RULE.match(rule)
        if every:
            inherited += _attributes(every.group(1))
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)
    if inherited:
        svg = svg.replace("<svg ", "<svg" + inherited + " ", 1)
    return svg
