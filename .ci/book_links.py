#!/usr/bin/env python3
# Checks the built books (book/*/book/*.html), standard library only:
# - every relative link and image leads to a file that exists;
# - every #fragment exists: an id in an HTML page, a heading of a Markdown file (GitHub's slugs:
#   the READMEs), or a line of a source file (#L12); a link whose text is code must point at a
#   line that holds that code, as the READMEs' source links are checked by readme_links.rs;
# - no `{{#include` is left unexpanded.
# Exit 1 with one line per broken link.
import html
import html.parser
import pathlib
import re
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []  # links: [href, text of the <a>]
        self.open_a = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
        if target is not None:
            self.links.append([target, ""])
            self.open_a = self.links[-1] if tag == "a" else None

    def handle_endtag(self, tag):
        if tag == "a":
            self.open_a = None

    def handle_data(self, data):
        if self.open_a is not None:
            self.open_a[1] += data


def slugs(markdown):
    """GitHub's heading anchors of a Markdown file."""
    found, seen = set(), {}
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not re.match(r"#{1,6} ", line):
            continue
        text = line.lstrip("#").strip()
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url) -> text
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def parse(path, cache={}):
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        cache[path] = page
    return cache[path]


def check_fragment(target, fragment, text):
    """What is wrong with #fragment in target (None when fine)."""
    if target.suffix == ".html":
        return None if fragment in parse(target).ids else "no such id"
    source = target.read_text(encoding="utf-8")
    if target.suffix == ".md":
        return None if fragment in slugs(source) else "no such heading"
    m = re.fullmatch(r"L(\d+)", fragment)
    if not m:
        return "not a line (#L12)"
    lines = source.splitlines()
    n = int(m.group(1))
    if n > len(lines):
        return f"the file has {len(lines)} lines"
    code = text.strip()
    if code and code not in lines[n - 1]:
        now = [str(i + 1) for i, l in enumerate(lines) if code in l]
        return f"line {n} does not hold `{code}` (now at line {', '.join(now) or 'none'})"
    return None


def main():
    broken, pages = [], 0
    for page_path in sorted(ROOT.glob("book/*/book/**/*.html")):
        if page_path.name == "404.html":  # its links are absolute to the site's root
            continue
        pages += 1
        rel = page_path.relative_to(ROOT)
        text = page_path.read_text(encoding="utf-8")
        if "{{#include" in text:
            broken.append(f"{rel}: an unexpanded {{{{#include}}}}")
        for href, link_text in parse(page_path).links:
            url = urllib.parse.urlsplit(href)
            if url.scheme or url.netloc or href.startswith("/"):
                continue
            path = urllib.parse.unquote(url.path)
            target = (page_path.parent / path).resolve() if path else page_path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: {href}: no such file")
                continue
            if url.fragment:
                wrong = check_fragment(target, urllib.parse.unquote(url.fragment), link_text)
                if wrong:
                    broken.append(f"{rel}: {href}: {wrong}")
    if pages < 20:
        broken.append(f"only {pages} pages found: were the books built?")
    for line in broken:
        print(line, file=sys.stderr)
    print(f"{pages} pages checked, {len(broken)} broken links")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
