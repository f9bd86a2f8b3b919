"""Word lists the simulation draws names, titles and texts from.

Kept apart from the simulation so the numbers in company.py stay readable.
All lists are tuples: their order is part of the seed-to-output contract.
"""

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abigail", "Adam", "Adrian", "Aisha", "Alan", "Alejandro", "Alex", "Alice",
    "Amara", "Amelia", "Amir", "Ana", "Andrea", "Andrew", "Anika", "Anna", "Anthony", "Arjun",
    "Ava", "Ben", "Bianca", "Brandon", "Brian", "Camila", "Carlos", "Caroline", "Charlotte", "Chen",
    "Chloe", "Chris", "Claire", "Daniel", "David", "Diana", "Diego", "Dmitri", "Elena", "Elif",
    "Elijah", "Emily", "Emma", "Eric", "Ethan", "Fatima", "Felix", "Fiona", "Gabriel", "Grace",
    "Hana", "Hannah", "Hiro", "Ian", "Ines", "Isabel", "Jack", "James", "Jasmine", "Jason",
    "Javier", "Jennifer", "Jessica", "Ji-woo", "John", "Jonas", "Jordan", "Julia", "Kai", "Karen",
    "Kenji", "Kevin", "Laura", "Leila", "Leo", "Liam", "Lina", "Lucas", "Lucy", "Maria",
    "Mark", "Marta", "Matteo", "Maya", "Mei", "Michael", "Mohammed", "Nadia", "Naomi", "Nathan",
    "Nina", "Noah", "Olivia", "Omar", "Pablo", "Patrick", "Priya", "Rachel", "Rafael", "Rahul",
    "Rebecca", "Ryan", "Sakura", "Samuel", "Sara", "Sean", "Sofia", "Sophie", "Stefan", "Tariq",
    "Thomas", "Tom", "Valentina", "Victor", "Wei", "William", "Yara", "Yusuf", "Zoe", "Zara",
)

LAST_NAMES = (
    "Abbott", "Adeyemi", "Alvarez", "Andersson", "Bailey", "Baker", "Banerjee", "Becker", "Bennett", "Brooks",
    "Brown", "Campbell", "Carter", "Castro", "Chen", "Clarke", "Collins", "Cooper", "Costa", "Cruz",
    "Davies", "Dias", "Diaz", "Dubois", "Edwards", "Evans", "Fischer", "Fernandez", "Fontaine", "Garcia",
    "Gonzalez", "Gray", "Green", "Gupta", "Hall", "Hansen", "Harris", "Hayes", "Hernandez", "Hill",
    "Hoffmann", "Hughes", "Ito", "Jackson", "Jansen", "Johnson", "Jones", "Kaur", "Kelly", "Khan",
    "Kim", "Klein", "Kowalski", "Kumar", "Larsen", "Lee", "Lewis", "Lopez", "Martin", "Martinez",
    "Meyer", "Miller", "Mitchell", "Moore", "Morales", "Morris", "Muller", "Murphy", "Nakamura", "Nguyen",
    "Nielsen", "Novak", "Okafor", "Oliveira", "Olsen", "Park", "Patel", "Perez", "Peters", "Petrov",
    "Phillips", "Price", "Ramirez", "Reddy", "Reyes", "Richter", "Roberts", "Rodriguez", "Rossi", "Russo",
    "Sanchez", "Santos", "Sato", "Schmidt", "Schneider", "Scott", "Shah", "Silva", "Singh", "Smith",
    "Suzuki", "Tanaka", "Taylor", "Thomas", "Thompson", "Torres", "Turner", "Walker", "Wang", "Ward",
    "Watson", "Weber", "White", "Williams", "Wilson", "Wong", "Wright", "Yamamoto", "Young", "Zhang",
)

# invented company-name stems: syllable + ending
NAME_HEADS = (
    "Vex", "Nor", "Blu", "Cor", "Dyn", "Ev", "Fal", "Gal", "Hel", "Ion", "Jun", "Kin", "Lum", "Mer",
    "Nov", "Orb", "Pax", "Quin", "Riv", "Sol", "Tel", "Ult", "Ver", "Wex", "Xen", "Yor", "Zen", "Arc",
    "Bri", "Cas", "Del", "Eld", "Fen", "Gro", "Hal", "Ist", "Jas", "Kor", "Lin", "Mav",
)
NAME_TAILS = (
    "ora", "ix", "ium", "ara", "eon", "io", "ent", "ano", "ova", "ity", "ax", "ora Labs", "is", "ent",
    "ware", "path", "wind", "stone", "field", "line", "point", "bridge", "gate", "light", "works", "wave",
    "scale", "bit", "sync", "loop",
)
NAME_WORDS = (
    "Analytics", "Logistics", "Health", "Systems", "Software", "Foods", "Energy", "Capital", "Robotics",
    "Networks", "Labs", "Manufacturing", "Retail", "Security", "Media", "Biotech", "Mobility", "Finance",
    "Insurance", "Materials", "Data", "Cloud", "Learning", "Travel", "Pharma", "Solutions", "Group",
    "Industries", "Partners", "Technologies",
)

INDUSTRIES = (
    ("Technology", 0.26), ("Financial Services", 0.12), ("Healthcare", 0.10), ("Manufacturing", 0.11),
    ("Retail", 0.08), ("Professional Services", 0.09), ("Media", 0.05), ("Education", 0.05),
    ("Logistics", 0.06), ("Energy", 0.04), ("Telecommunications", 0.04),
)

# (country, region, weight, email top-level domain)
COUNTRIES = (
    ("United States", "North America", 0.47, "com"), ("Canada", "North America", 0.07, "ca"),
    ("United Kingdom", "EMEA", 0.10, "co.uk"), ("Germany", "EMEA", 0.07, "de"),
    ("France", "EMEA", 0.04, "fr"), ("Netherlands", "EMEA", 0.03, "nl"), ("Sweden", "EMEA", 0.02, "se"),
    ("Spain", "EMEA", 0.02, "es"), ("Australia", "APAC", 0.05, "com.au"), ("Japan", "APAC", 0.02, "jp"),
    ("Singapore", "APAC", 0.03, "sg"), ("India", "APAC", 0.03, "in"), ("Brazil", "LATAM", 0.03, "com.br"),
    ("Mexico", "LATAM", 0.02, "mx"),
)

# buying-committee titles by persona bucket; the primary contact is drawn from the first groups
TITLES = {
    "marketing_leader": ("CMO", "VP Marketing", "Head of Marketing", "VP Demand Generation", "Director of Marketing"),
    "marketing_ops": ("Marketing Operations Manager", "Director of Marketing Operations", "Demand Generation Manager",
                      "Content Marketing Manager", "Marketing Analyst"),
    "revops": ("Director of Revenue Operations", "RevOps Manager", "Sales Operations Manager", "Head of RevOps"),
    "sales_leader": ("VP Sales", "Chief Revenue Officer", "Head of Sales", "Sales Director"),
    "finance": ("CFO", "VP Finance", "FP&A Manager", "Finance Director"),
    "it_data": ("IT Director", "Head of Data", "Data Engineer", "BI Analyst", "CIO"),
    "executive": ("CEO", "COO", "Co-Founder", "General Manager"),
}
PERSONA_LABELS = {
    "marketing_leader": "Marketing leader", "marketing_ops": "Marketing operations", "revops": "Revenue operations",
    "sales_leader": "Sales leader", "finance": "Finance", "it_data": "IT and data", "executive": "Executive",
}
# persona weights for the primary contact, and for the other committee members
PRIMARY_PERSONAS = (("marketing_leader", 0.42), ("marketing_ops", 0.30), ("revops", 0.18), ("executive", 0.10))
MEMBER_PERSONAS = (("marketing_ops", 0.22), ("revops", 0.16), ("sales_leader", 0.14), ("finance", 0.16),
                   ("it_data", 0.20), ("executive", 0.06), ("marketing_leader", 0.06))
ROLES_BY_PERSONA = {
    "marketing_leader": ("Decision Maker", "Economic Buyer", "Executive Sponsor"),
    "marketing_ops": ("Evaluator", "Business User", "Influencer"),
    "revops": ("Evaluator", "Influencer", "Business User"),
    "sales_leader": ("Influencer", "Business User", "Other"),
    "finance": ("Economic Buyer", "Economic Decision Maker", "Influencer"),
    "it_data": ("Technical Buyer", "Evaluator", "Influencer"),
    "executive": ("Executive Sponsor", "Decision Maker", "Economic Decision Maker"),
}

TOPICS = ("Attribution", "Pipeline", "ROI", "Content Strategy", "ABM", "Sales Alignment", "Analytics",
          "Demand Generation")
TOPIC_PHRASES = {
    "Attribution": ("multi-touch attribution", "attribution models", "first-touch attribution", "W-shaped attribution",
                    "data-driven attribution"),
    "Pipeline": ("marketing-sourced pipeline", "pipeline reviews", "pipeline velocity", "influenced pipeline",
                 "pipeline forecasting"),
    "ROI": ("marketing ROI", "customer acquisition cost", "payback periods", "budget allocation", "channel ROI"),
    "Content Strategy": ("content-led selling", "buyer enablement content", "thought leadership", "content audits",
                         "gated content"),
    "ABM": ("account-based marketing", "target account lists", "buying committees", "intent data",
            "account engagement"),
    "Sales Alignment": ("sales and marketing alignment", "lead handoffs", "SLA design", "MQL definitions",
                        "win/loss interviews"),
    "Analytics": ("marketing dashboards", "funnel metrics", "CRM data hygiene", "board reporting",
                  "identity stitching"),
    "Demand Generation": ("demand generation", "webinar programs", "paid search for B2B", "LinkedIn ads",
                          "event ROI"),
}
BLOG_TEMPLATES = (
    "{n} ways to improve {p}", "Why {p} fails (and how to fix it)", "A practical primer on {p}",
    "What CFOs want to know about {p}", "The {p} checklist for {y}", "{p}: {n} mistakes we see every quarter",
    "How top B2B teams approach {p}", "Stop guessing: a data-driven look at {p}", "{p} explained in plain English",
    "The hidden cost of ignoring {p}",
)
GUIDE_TEMPLATES = ("The complete guide to {p}", "The {p} playbook", "{p}: a step-by-step guide",
                   "The CMO's handbook for {p}")
VIDEO_TEMPLATES = ("{p} in 5 minutes", "Product tour: {p}", "Office hours: {p}", "Demo: reporting on {p}")
WEBINAR_TEMPLATES = ("Proving {p}", "Teardown: {p}", "{p} with real data", "Ask us: {p}", "{p} for CFOs")
CASE_RESULTS = ("cut CAC by {n}%", "grew sourced pipeline {n}%", "proved {n}x marketing ROI",
                "shortened sales cycles by {n} days", "won the board over with attribution",
                "doubled webinar-sourced pipeline")
COMPETITORS = ("FunnelForge", "RevSight", "AttribuTrack", "PipeLens", "CampaignIQ", "Metricly", "TouchLedger",
               "SignalPath")

EVENT_NAMES = ("B2B Marketing Exchange", "SaaS Growth Summit", "RevOps Forum", "MarTech World",
               "CMO Leadership Forum", "Demand Gen Live", "Cloud Expo Europe", "Pipeline Summit",
               "Regional Roadshow Chicago", "Regional Roadshow London", "Regional Roadshow Sydney",
               "Analytics Leaders Dinner Series")
PAID_SEARCH_THEMES = ("Brand", "Attribution Software", "Marketing Analytics", "Pipeline Reporting", "ROI Dashboard",
                      "Competitor Terms", "Multi-Touch Attribution", "Revenue Attribution")
PAID_SOCIAL_THEMES = ("CMO Persona", "RevOps Persona", "Guide Promotion", "Retargeting", "Thought Leadership",
                      "Webinar Promotion", "ABM Target Accounts")
EMAIL_THEMES = ("Newsletter", "Nurture - Attribution", "Nurture - ROI", "Product Update", "Webinar Invite",
                "Re-engagement")
SYNDICATION_VENDORS = ("TechTarget", "Integrate", "NetLine", "Madison Logic", "Blog & SEO Program")
PARTNERS = ("Northbeam Consulting", "CloudBridge Partners", "RevGrowth Agency", "DataStack Integrators")
OUTBOUND_SEGMENTS = ("Enterprise", "Mid-Market", "SMB", "Strategic Accounts")

NONCONTENT_PAGES = (
    ("/", 0.30), ("/product", 0.14), ("/product/attribution", 0.08), ("/product/pipeline-analytics", 0.07),
    ("/product/integrations", 0.06), ("/about", 0.05), ("/careers", 0.05), ("/contact", 0.03),
    ("/request-demo", 0.08), ("/login", 0.10), ("/security", 0.04),
)

INTERVIEW_QUOTES = {
    ("priority_initiative", "won"): (
        "Our board asked what marketing actually contributes to revenue and we had no answer we trusted.",
        "The new CFO froze the marketing budget until we could show pipeline by channel.",
        "We were consolidating three reporting tools after the reorg and needed one source of truth.",
    ),
    ("priority_initiative", "lost"): (
        "We wanted better dashboards, but it was one of ten initiatives that quarter.",
        "The project started as a reporting clean-up and never got an executive sponsor.",
    ),
    ("priority_initiative", "no_decision"): (
        "Attribution kept slipping behind the CRM migration.",
        "Honestly the trigger went away when the CMO left.",
    ),
    ("success_factors", "won"): (
        "Success means the CEO quotes our sourced pipeline number without arguing about it.",
        "We need sales leadership to accept the influenced pipeline numbers in the QBR.",
        "If we can move budget from events to what actually converts, it pays for itself.",
    ),
    ("success_factors", "lost"): (
        "We needed the numbers in our BI tool, not another dashboard.",
        "Success for us was a single login for everything, which you did not offer.",
    ),
    ("success_factors", "no_decision"): ("Nobody could agree what success would look like.",),
    ("perceived_barriers", "won"): (
        "We worried our CRM data was too messy, but the validation report showed what to fix.",
        "Sales ops thought it would take a quarter to set up; it took two weeks.",
    ),
    ("perceived_barriers", "lost"): (
        "Implementation effort looked too high for our small ops team.",
        "{competitor} was already in our stack, so switching felt risky.",
        "Price was about 30% above {competitor} for what we needed.",
    ),
    ("perceived_barriers", "no_decision"): (
        "Our data was not ready and we knew it.",
        "Legal review of the data processing terms took too long and the budget lapsed.",
    ),
    ("decision_criteria", "won"): (
        "Transparent models mattered: we could show the board exactly how credit was split.",
        "You were the only vendor that reconciled to our CRM totals to the dollar.",
        "The Markov and Shapley views convinced our analytics lead.",
    ),
    ("decision_criteria", "lost"): (
        "{competitor} had a native integration with our ad platforms.",
        "We picked the cheaper option; the difference in models did not matter to finance.",
    ),
    ("decision_criteria", "no_decision"): ("We never got as far as comparing vendors seriously.",),
    ("buyer_journey", "won"): (
        "I read '{asset}' and a couple of case studies before I ever talked to your team.",
        "Our analyst found '{asset}' on Google and shared it in our channel; that started everything.",
        "We had been on your blog for months. By the first call we had already shortlisted you.",
        "Three of us attended the webinar and then read the comparison page before the demo.",
    ),
    ("buyer_journey", "lost"): (
        "Your rep called us before we had looked at anything; we were not ready to talk.",
        "We mostly relied on peer recommendations and an analyst report.",
        "I saw the LinkedIn ads but never clicked through to anything substantial.",
    ),
    ("buyer_journey", "no_decision"): (
        "We met you at a trade show, took a demo, and the conversation drifted.",
        "Only one of us was really involved; the rest of the committee never engaged.",
    ),
}
