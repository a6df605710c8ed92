#!/usr/bin/env python3
"""Render a tmux screen capture as an HTML page that looks like the terminal.

Usage: ansi2html.py COLS ROWS OUT.html < capture.ans    (prints "WIDTH,HEIGHT")

The input is `tmux capture-pane -e -p`: the screen's text with SGR colour codes
(16, 256 and 24-bit colours, bold, dim, italic, underline, reverse, strike).
The page is a fixed grid of COLS x ROWS cells in DejaVu Sans Mono. Every
double-width character (CJK, emoji) is drawn in a box exactly two cells wide,
because the fallback fonts that hold those glyphs have their own widths and
would otherwise shift everything after them on the row. The printed size is
what headless Chromium's --window-size needs to photograph the whole grid.
"""
import html
import math
import re
import sys
import unicodedata

FONT_PX = 15                       # font size; a cell is 0.6021 of it wide
CELL_W = FONT_PX * 1233 / 2048     # DejaVu Sans Mono's advance width
LINE_PX = 17                       # a hair under the font's 17.5 px height,
                                   # so box-drawing lines join without gaps
PAD = 12                           # margin around the grid, in the background
FG, BG = "#d4d4d4", "#181a1f"
BASE16 = ["#282c34", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd",
          "#56b6c2", "#dcdfe4", "#5c6370", "#ef7b84", "#a9d48a", "#f0cd8c",
          "#74bdf5", "#d68be8", "#6cc7d2", "#ffffff"]
ESCAPE = re.compile(r"\x1b\[([0-9;:?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def palette(n):
    """The xterm 256-colour palette (BASE16 for the first sixteen)."""
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = (0, 95, 135, 175, 215, 255)
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    return "#%02x%02x%02x" % ((8 + 10 * (n - 232),) * 3)


def width(ch):
    """Cells a character takes, as tmux counts them."""
    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def apply_sgr(pen, params):
    """Update pen (a dict of attributes) with one SGR sequence's parameters."""
    codes = params.split(";") if params else ["0"]
    while codes:
        sub = [int(x or 0) for x in codes.pop(0).split(":")]
        c = sub[0]
        if c in (38, 48, 58):
            args = sub[1:] or [int(codes.pop(0) or 0)]
            if len(sub) == 1:          # semicolon form: 38;5;n or 38;2;r;g;b
                take = 1 if args[0] == 5 else 3
                args += [int(codes.pop(0) or 0) for _ in range(take) if codes]
            colour = palette(args[-1]) if args[0] == 5 else "#%02x%02x%02x" % tuple(args[-3:])
            if c != 58:
                pen["fg" if c == 38 else "bg"] = colour
        elif c == 0:
            pen.clear()
        elif c in (1, 2, 3, 7, 8, 9):
            pen[c] = True
        elif c in (4, 21):
            pen[4] = len(sub) == 1 or sub[1] != 0
        elif c == 22:
            pen.pop(1, None), pen.pop(2, None)
        elif c in (23, 24, 27, 28, 29):
            pen.pop(c - 20, None)
        elif 30 <= c <= 37 or 90 <= c <= 97:
            pen["fg"] = palette(c - 30 if c < 90 else c - 82)
        elif 40 <= c <= 47 or 100 <= c <= 107:
            pen["bg"] = palette(c - 40 if c < 100 else c - 92)
        elif c == 39:
            pen.pop("fg", None)
        elif c == 49:
            pen.pop("bg", None)


def css(pen):
    fg, bg = pen.get("fg", FG), pen.get("bg")
    if pen.get(7):
        fg, bg = bg or BG, fg
    if pen.get(2):
        fg = "color-mix(in srgb, %s 55%%, %s)" % (fg, bg or BG)
    if pen.get(8):
        fg = "transparent"
    out = ["color:" + fg]
    if bg:
        out.append("background:" + bg)
    if pen.get(1):
        out.append("font-weight:bold")
    if pen.get(3):
        out.append("font-style:italic")
    lines = [n for k, n in ((4, "underline"), (9, "line-through")) if pen.get(k)]
    if lines:
        out.append("text-decoration:" + " ".join(lines))
    return ";".join(out)


def parse(text, cols, rows):
    """Split the capture into rows of (css, char, width) cells, padded to the grid."""
    grid, row, pen = [], [], {}
    pos = 0
    for m in list(ESCAPE.finditer(text)) + [None]:
        chunk = text[pos:m.start() if m else len(text)]
        for ch in chunk:
            if ch == "\n":
                grid.append(row)
                row = []
            elif ch >= " ":
                row.append((css(pen), ch, width(ch)))
        if m is None:
            break
        pos = m.end()
        if m.group(2) == "m" and "?" not in (m.group(1) or ""):
            apply_sgr(pen, m.group(1))
    grid.append(row)
    grid = [r for r in grid][:rows] + [[] for _ in range(rows - len(grid))]
    blank = (css({}), " ", 1)
    for r in grid:
        r.extend([blank] * (cols - sum(w for _, _, w in r)))
    return grid


def render(grid):
    """HTML for the rows: runs of one style in a span, wide characters boxed."""
    out = []
    for row in grid:
        spans, run, style = [], "", None
        for st, ch, w in row + [(None, "", 1)]:
            if w != 1 or st != style:
                if run:
                    spans.append('<span style="%s">%s</span>' % (style, html.escape(run)))
                run, style = "", st
            if w == 2:
                spans.append('<span class="w" style="%s">%s</span>' % (st, html.escape(ch)))
            else:
                run += ch
        out.append('<div class="r">%s</div>' % "".join(spans))
    return "\n".join(out)


def main():
    cols, rows, out_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    grid = parse(sys.stdin.buffer.read().decode("utf-8", "replace"), cols, rows)
    page = f"""<!doctype html><meta charset="utf-8"><style>
html, body {{ margin: 0; background: {BG}; }}
body {{ padding: {PAD}px; color: {FG};
  font: {FONT_PX}px/{LINE_PX}px "DejaVu Sans Mono", "WenQuanYi Micro Hei Mono",
        "Noto Color Emoji", monospace;
  font-variant-ligatures: none; -webkit-font-smoothing: antialiased; }}
.r {{ height: {LINE_PX}px; white-space: pre; }}
.r span {{ display: inline-block; height: {LINE_PX}px; vertical-align: top; }}
.r span.w {{ width: 2ch; text-align: center; overflow: hidden; }}
</style><body>
{render(grid)}
"""
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(page)
    print("%d,%d" % (math.ceil(cols * CELL_W) + 2 * PAD, rows * LINE_PX + 2 * PAD))


if __name__ == "__main__":
    main()
