"""The pages of the app, in navigation order: (section, script, title, icon).

app.py builds the navigation from this table and the browser tests walk it.
Page scripts live in sub-folders so that Streamlit's legacy `pages/` auto-discovery
finds no script here and every run goes through app.py's navigation.
"""

PAGE_TABLE = [
    ("Dashboard", "pages/dashboard/overview.py", "Overview", "🏠"),
]


def url_path(script: str) -> str:
    """The URL path Streamlit gives a page script: its file name without .py."""
    return script.rsplit("/", 1)[-1].removesuffix(".py")
