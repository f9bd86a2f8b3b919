"""Board deck: pick slides, build an editable PPTX (and PDF) with the filters in force, preview it."""
import streamlit as st

from data_models import deck
from data_models.periods import period_label
from pages.shared import ui

st.title("Board deck")
p = ui.require_data(ui.params())
con = ui.connection()

label = period_label(p.start, p.end, p.fiscal_year_start_month)
ui.headline(f"Export {label} as a board deck: native PowerPoint charts the board can edit, "
            "with the numbers behind each chart in the speaker notes.")
st.caption("The deck uses the filters in the sidebar (period, segment, region, attribution model, sourced "
           "definition, lookback), so every number matches the dashboard pages.")

titles = dict(deck.SLIDES)
chosen = st.multiselect("Slides, in order", deck.SLIDE_IDS, default=deck.SLIDE_IDS, format_func=titles.get,
                        key="deck_slides", help="Remove slides you don't need; re-add one to move it to the end.")
company = st.text_input("Company name", value=deck.company_name(con) or "", placeholder=deck.DEFAULT_COMPANY,
                        key="deck_company")
template = st.file_uploader("Company template (optional, .pptx or .potx)", type=["pptx", "potx"], key="deck_template",
                            help="Its slide layouts and theme are used; its own slides are left out.")

if st.button("Build deck", type="primary", key="deck_build", disabled=not chosen):
    try:
        with st.spinner("Building the deck…"):
            pptx = deck.build_deck(con, p, slides=chosen, company=company or deck.DEFAULT_COMPANY,
                                   template=template.getvalue() if template else None)
    except deck.DeckError as exc:
        st.error(f"The deck could not be built: {exc}")
        st.stop()
    st.session_state["deck_result"] = {"pptx": pptx, "pdf": None, "images": [], "problem": None}
    try:
        with st.spinner("Rendering the PDF and preview with LibreOffice…"):
            pdf = deck.to_pdf(pptx)
            images = deck.slide_images(pptx, pdf_bytes=pdf)
        st.session_state["deck_result"].update(pdf=pdf, images=images)
    except deck.DeckError as exc:  # LibreOffice missing, timed out or failed: the PPTX still stands
        st.session_state["deck_result"]["problem"] = str(exc)

result = st.session_state.get("deck_result")
if result:
    file_stem = f"marketing-{label.replace(' ', '-').replace(',', '').lower()}"
    c1, c2 = st.columns(2)
    c1.download_button("Download PPTX", result["pptx"], file_name=f"{file_stem}.pptx", key="deck_pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")
    if result["pdf"] is not None:
        c2.download_button("Download PDF", result["pdf"], file_name=f"{file_stem}.pdf", mime="application/pdf",
                           key="deck_pdf")
    if result["problem"]:
        st.warning(f"No PDF or preview: {result['problem']} The PPTX above is complete.")
    for number, image in enumerate(result["images"], 1):
        st.image(image, caption=f"Slide {number}", width="stretch")
