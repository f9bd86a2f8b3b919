"""The pages of the app, in navigation order: (section, script, title, icon).

app.py builds the navigation from this table and the browser tests walk it.
Page scripts live in sub-folders so that Streamlit's legacy `pages/` auto-discovery
finds no script here and every run goes through app.py's navigation.
"""

PAGE_TABLE = [
    ("Dashboard", "pages/dashboard/overview.py", "Overview", ":material/home:"),
    ("Dashboard", "pages/dashboard/pipeline.py", "Pipeline", ":material/filter_alt:"),
    ("Dashboard", "pages/dashboard/attribution.py", "Attribution", ":material/account_tree:"),
    ("Dashboard", "pages/dashboard/content.py", "Content", ":material/menu_book:"),
    ("Dashboard", "pages/dashboard/roi.py", "ROI & spend", ":material/payments:"),
    ("Dashboard", "pages/dashboard/perception.py", "Perception gap", ":material/compare_arrows:"),
    ("Dashboard", "pages/dashboard/buyers.py", "Buyers", ":material/groups:"),
    ("Board", "pages/board/deck.py", "Board deck", ":material/slideshow:"),
    ("Data", "pages/analyst/upload.py", "Upload", ":material/upload_file:"),
    ("Data", "pages/analyst/history.py", "Load history", ":material/history:"),
    ("Data", "pages/analyst/data_quality.py", "Data quality", ":material/verified:"),
    ("Data", "pages/analyst/templates.py", "Templates", ":material/description:"),
    ("Admin", "pages/admin/settings.py", "Settings", ":material/settings:"),
    ("Admin", "pages/admin/users.py", "Users and roles", ":material/manage_accounts:"),
    ("Admin", "pages/admin/invitations.py", "Survey invitations", ":material/forward_to_inbox:"),
]


def url_path(script: str) -> str:
    """The URL path Streamlit gives a page script: its file name without .py."""
    return script.rsplit("/", 1)[-1].removesuffix(".py")
