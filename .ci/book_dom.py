#!/usr/bin/env python3
# Renders every chapter of both built books (book/*/book, built by .ci/book) in headless
# Chromium and checks, from the DOM the browser ends up with (after mdBook's scripts ran), what
# a reader sees on each page:
# - the page's language (<html lang>) is its book's, so the browser picks CJK fonts for zh-CN;
# - its <title> is the chapter's name in SUMMARY.md, then the book's title;
# - the chapter has one heading of its own (<h1> in <main>), not empty;
# - the table of contents holds every chapter of SUMMARY.md, in order, the current one marked;
# - "previous" and "next" lead to the chapters before and after it in SUMMARY.md (none before
#   the first, none after the last);
# - no `{{#` is left: every {{#include}} was expanded.
# Exit 1 with one line per fault. Standard library only, and Chromium: Debian's `chromium`
# (apt-get install chromium fonts-noto-cjk). `.ci/book-screenshots` takes pictures for a person.
import concurrent.futures
import html.parser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOKS = ("zh-CN", "en")
TIMEOUT = 60  # seconds for one page, generous for a busy 2-CPU machine
# As the machine's notes say: without the background-networking flags, Chromium tries to reach
# Google's hosts at every start.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--dump-dom",
)


def summary(book):
    """[(chapter file, its name)] in SUMMARY.md's order, and the book's title."""
    src = ROOT / "book" / book / "src"
    chapters = re.findall(
        r"^\s*(?:-\s*)?\[([^\]]+)\]\(([^)]+\.md)\)", (src / "SUMMARY.md").read_text(), re.M
    )
    toml = (ROOT / "book" / book / "book.toml").read_text()
    title = re.search(r'^title\s*=\s*"(.*)"', toml, re.M).group(1)
    return [(path, name) for name, path in chapters], title


class Dom(html.parser.HTMLParser):
    """What the checks need from one rendered page."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.title = ""
        self.h1s = []  # texts of the <h1>s inside <main>
        self.toc = []  # (href, classes) of each link in the table of contents
        self.prev = set()  # hrefs of "previous chapter" links
        self.next = set()
        self.text = []
        self._stack = []  # open tags we care about: title, main, h1, toc
        self._inner_ols = 0  # <ol class="section">s open inside the table of contents

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "ol" and "toc" in self._stack:
            self._inner_ols += 1
        elif tag in ("title", "main", "h1") or (tag == "ol" and "chapter" in classes):
            self._stack.append(tag if tag != "ol" else "toc")
            if tag == "h1" and "main" in self._stack:
                self.h1s.append("")
        if tag == "a":
            href = a.get("href", "")
            if "toc" in self._stack:
                self.toc.append((href, classes))
            if "nav-chapters" in classes or "mobile-nav-chapters" in classes:
                (self.prev if "previous" in classes else self.next).add(href)

    def handle_endtag(self, tag):
        if tag == "ol" and self._inner_ols:
            self._inner_ols -= 1
            return
        name = "toc" if tag == "ol" else tag
        if name in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(name) :]

    def handle_data(self, data):
        self.text.append(data)
        if self._stack and self._stack[-1] == "title":
            self.title += data
        if "h1" in self._stack and "main" in self._stack and self.h1s:
            self.h1s[-1] += data


def render(browser, page):
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", page.as_uri()],
            capture_output=True,
            timeout=TIMEOUT,
        )
    if run.returncode != 0 or b"<html" not in run.stdout:
        raise RuntimeError(f"chromium exited {run.returncode}: {run.stderr.decode()[-300:]}")
    return run.stdout.decode("utf-8")


def check(book, chapters, title, i, text):
    """The faults of chapter i of `book`, from its rendered DOM."""
    path, name = chapters[i]
    html_name = path[:-3] + ".html"
    dom = Dom()
    dom.feed(text)
    faults = []
    where = f"book/{book}/book/{html_name}"
    if dom.lang != book:
        faults.append(f"{where}: <html lang={dom.lang!r}>, not {book!r}")
    want = f"{name} - {title}"
    if dom.title.strip() != want:
        faults.append(f"{where}: <title> is {dom.title.strip()!r}, not {want!r}")
    if len(dom.h1s) != 1 or not dom.h1s[0].strip():
        faults.append(f"{where}: {len(dom.h1s)} chapter headings (<h1> in <main>), not one")
    hrefs = [href for href, _ in dom.toc if href.endswith(".html")]
    expected = [p[:-3] + ".html" for p, _ in chapters]
    if hrefs != expected:
        faults.append(f"{where}: the table of contents lists {hrefs}, not SUMMARY.md's {expected}")
    active = [href for href, classes in dom.toc if "active" in classes]
    if active != [html_name]:
        faults.append(f"{where}: the table of contents marks {active} as this page")
    before = {expected[i - 1]} if i > 0 else set()
    after = {expected[i + 1]} if i + 1 < len(expected) else set()
    if dom.prev != before:
        faults.append(f"{where}: 'previous' leads to {sorted(dom.prev)}, not {sorted(before)}")
    if dom.next != after:
        faults.append(f"{where}: 'next' leads to {sorted(dom.next)}, not {sorted(after)}")
    if "{{#" in "".join(dom.text):
        faults.append(f"{where}: a {{{{#...}}}} was left unexpanded")
    return faults


def main():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("book_dom: no chromium (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 1
    jobs = []
    for book in BOOKS:
        chapters, title = summary(book)
        for i, (path, _) in enumerate(chapters):
            page = ROOT / "book" / book / "book" / (path[:-3] + ".html")
            jobs.append((book, chapters, title, i, page))
    faults = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        rendered = pool.map(lambda job: render(browser, job[4]), jobs)
        for job, text in zip(jobs, rendered):
            faults += check(*job[:4], text)
    for fault in faults:
        print(fault)
    print(f"book_dom: {len(jobs)} pages rendered in Chromium, {len(faults)} faults")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
