"""The status icons, one shape per status, as SVG: inline in the HTML pages and as images in
the PDFs. Each has a colour at 3:1 or more against white (WCAG 1.4.11) and a white mark
inside, and always stands beside its word."""

from __future__ import annotations

from markupsafe import Markup

_SHAPES = {
    # Nået: a check mark in a green circle.
    "flueben": '<circle cx="9" cy="9" r="8.5" fill="#00703c"/>'
    '<path d="M4.6 9.3l3 3 5.8-6.2" fill="none" stroke="#fff" stroke-width="2.2"/>',
    # På sporet: a blue ring.
    "cirkel": '<circle cx="9" cy="9" r="7" fill="none" stroke="#1d70b8" stroke-width="3.2"/>',
    # I risiko: an orange triangle with an exclamation mark.
    "trekant": '<path d="M9 1L17.5 16.5H0.5Z" fill="#b35900"/>'
    '<path d="M9 6.2v5" stroke="#fff" stroke-width="2"/>'
    '<circle cx="9" cy="13.6" r="1.2" fill="#fff"/>',
    # Ikke på sporet: a red square with a cross.
    "kryds": '<rect x="1" y="1" width="16" height="16" rx="2" fill="#b21f1f"/>'
    '<path d="M5.2 5.2l7.6 7.6M12.8 5.2l-7.6 7.6" stroke="#fff" stroke-width="2.2"/>',
    # Ingen data: a grey square outline with a dash.
    "streg": '<rect x="1.5" y="1.5" width="15" height="15" rx="2" fill="none" stroke="#505a5f" '
    'stroke-width="2"/><path d="M5 9h8" stroke="#505a5f" stroke-width="2.2"/>',
}


def svg(shape: str) -> Markup:
    """The icon of `shape`, hidden from assistive technology: the word beside it says it."""
    body = _SHAPES.get(shape, _SHAPES["streg"])
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="ikon" aria-hidden="true" '
        f'focusable="false" width="18" height="18" viewBox="0 0 18 18">{body}</svg>'
    )
