"""The formats perflib ships, declared as any package declares its own (``perflib.formats``).

Kept apart from their makers, which import Word's, Chromium's and nbconvert's libraries: listing
the formats (the index, a build's plan) loads none of them.
"""

from __future__ import annotations

from perflib.formats import Format

HTML = Format("html", ".html", "Web page", "text/html", "html", word="HTML")
PDF = Format("pdf", ".pdf", "PDF", "application/pdf", "browser", "perflib.formats.pdf:make")
WORD = Format("docx", ".docx", "Word",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "blocks",
              "perflib.formats.word:make")
MARKDOWN = Format("md", ".md", "Markdown", "text/markdown", "blocks",
                  "perflib.formats.markdown:make")

#: perflib's own, in the registry's order
ALL = (HTML, PDF, WORD, MARKDOWN)
