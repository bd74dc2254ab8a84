"""Word lists for plausible MSP data. Order matters: generation picks by index, so editing a list changes data."""

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Chris Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark "
    "Ashley Paul Emily Steven Donna Andrew Michelle Joshua Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary "
    "Angela Nicholas Shirley Eric Anna Jonathan Ruth Stephen Brenda Larry Pamela Justin Nicole Scott Katherine "
    "Priya Raj Aisha Omar Chen Wei Sofia Mateo Olga Ivan Fatima Yusuf Hannah Liam Noah Emma Olivia Ava"
).split()

SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez "
    "Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker "
    "Hall Rivera Campbell Mitchell Carter Roberts Patel Shah Khan Murphy Kelly Cooper Evans Turner Parker "
    "Collins Edwards Stewart Morris Rogers Reed Cook Morgan Bell Bailey Cox Howard Ward Richardson Watson "
    "Brooks Wood James Bennett Gray Hughes Price Sanders Myers Long Ross Foster Fischer Novak Kowalski Jensen"
).split()

COMPANY_A = (
    "Acme Northwind Contoso Fabrikam Globex Initech Umbrella Stark Wayne Wonka Tyrell Cyberdyne Soylent "
    "Hooli Vandelay Massive Dynamic Oceanic Aperture Black Mesa Blue Sun Gringotts Monarch Oscorp Pied Piper "
    "Prestige Sterling Cooper Dunder Bluth Los Pollos Nakatomi Gekko Duff Krusty Vance Pendant Kramerica "
    "Riverside Lakeside Hilltop Summit Harbor Meadow Redwood Oakridge Pinecrest Silverline Brightwater "
    "Clearview Evergreen Keystone Lighthouse Northgate Westfield Eastbrook Southport Granite Copperfield"
).split()

COMPANY_B = (
    "Dental",
    "Logistics",
    "Legal LLP",
    "Accountants",
    "Engineering",
    "Construction",
    "Medical Group",
    "Veterinary",
    "Architects",
    "Property",
    "Insurance",
    "Manufacturing",
    "Foods",
    "Academy",
    "Charity Trust",
    "Hotels",
    "Recruitment",
    "Consulting",
    "Motors",
    "Pharmacy",
    "Estates",
    "Financial",
    "Studios",
    "Retail",
)

SITE_NAMES = ("Head Office", "Main", "Warehouse", "Branch Office", "Clinic", "Depot", "Remote Workers", "Lab")
CITIES = (
    "London",
    "Manchester",
    "Leeds",
    "Bristol",
    "Glasgow",
    "Cardiff",
    "Belfast",
    "Birmingham",
    "Newcastle",
    "Austin",
    "Denver",
    "Chicago",
    "Boston",
    "Seattle",
    "Phoenix",
    "Toronto",
    "Dublin",
    "Sydney",
    "Auckland",
)
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Queen Street",
    "Main St",
)
JOB_TITLES = (
    "Office Manager",
    "Director",
    "Accountant",
    "Receptionist",
    "Practice Manager",
    "Engineer",
    "Analyst",
    "Sales Executive",
    "HR Advisor",
    "Operations Lead",
    "Paralegal",
    "Nurse",
    "Consultant",
    "Administrator",
)
AGENT_TITLES = (
    "Service Desk Analyst",
    "Senior Engineer",
    "Field Technician",
    "Project Manager",
    "Account Manager",
    "Network Engineer",
    "Service Delivery Manager",
    "Technical Director",
    "Cloud Engineer",
    "Apprentice",
)

# (summary, category index) ticket templates; {x} is filled with a device/app word
TICKET_SUMMARIES = (
    "Outlook not syncing",
    "Cannot connect to VPN",
    "Printer offline",
    "New starter setup",
    "Leaver: disable account",
    "Password reset request",
    "Laptop running slowly",
    "Teams audio issues",
    "Shared drive not mapping",
    "Phishing email reported",
    "MFA device replacement",
    "Request software install",
    "Wi-Fi dropping out",
    "Backup job failed",
    "Disk space low on server",
    "Firewall alert",
    "Domain renewal",
    "SSL certificate expiring",
    "Mailbox full",
    "Scanner to email not working",
    "Monitor flickering",
    "Keyboard replacement",
    "Antivirus alert",
    "Windows update failed",
    "OneDrive sync errors",
    "SharePoint permissions",
    "Line of business app error",
    "Phone system call routing change",
    "Add user to distribution list",
    "Server unresponsive",
    "Website down",
    "Licence purchase request",
    "Move desk and equipment",
    "CCTV not recording",
    "Switch port configuration",
    "Access request for finance system",
    "Email signature update",
    "Conference room display issue",
    "Remote desktop cannot connect",
    "Router firmware upgrade",
)
CATEGORIES = (
    "Email",
    "Network",
    "Hardware",
    "Accounts",
    "Security",
    "Software",
    "Backup",
    "Telephony",
    "Cloud",
    "Other",
)
TICKET_DETAILS = (
    "User reports the problem started this morning and affects their daily work.",
    "Reported by phone. Several staff at the site are affected.",
    "Raised from the portal. Screenshot attached by the user.",
    "Automatic alert raised by the monitoring platform.",
    "Please action before the end of the week if possible.",
    "Recurring issue, see previous tickets for the same user.",
)
ACTION_NOTES = (
    "Called the user and agreed a time to connect remotely.",
    "Connected remotely and reproduced the issue.",
    "Applied the fix and asked the user to confirm.",
    "Waiting for the user to reply.",
    "Escalated to second line for further investigation.",
    "Ordered replacement hardware from the supplier.",
    "Rebooted the device and cleared the cache.",
    "Updated the configuration and tested successfully.",
    "User confirmed everything is working again.",
    "Chased the supplier for an update.",
    "Documented the change in the client runbook.",
    "Scheduled an onsite visit.",
    "Thanks, that has fixed it.",
    "Still seeing the same problem after the restart.",
    "Ticket logged via email.",
    "Closing ticket as resolved.",
)
ASSET_MODELS = (
    ("Dell", "Latitude 5440"),
    ("Dell", "OptiPlex 7010"),
    ("HP", "EliteBook 840 G10"),
    ("Lenovo", "ThinkPad T14"),
    ("Apple", "MacBook Pro 14"),
    ("Microsoft", "Surface Pro 9"),
    ("HP", "LaserJet Pro M404"),
    ("Brother", "MFC-L8900"),
    ("Cisco", "Catalyst 9200"),
    ("Ubiquiti", "UniFi U6 Pro"),
    ("Fortinet", "FortiGate 60F"),
    ("Dell", "PowerEdge R650"),
    ("Synology", "DS923+"),
    ("Yealink", "T54W"),
    ("Samsung", "Galaxy S23"),
)
ITEM_NAMES = (
    ("Managed Service - per user", 45.0, 20.0, True),
    ("Managed Service - per device", 25.0, 9.0, True),
    ("Microsoft 365 Business Premium", 18.1, 16.5, True),
    ("Microsoft 365 Business Basic", 4.9, 4.5, True),
    ("Backup - per server", 60.0, 28.0, True),
    ("Endpoint protection", 4.5, 2.1, True),
    ("Email security", 2.5, 1.1, True),
    ("Dell Latitude 5440", 1049.0, 880.0, False),
    ("24in Monitor", 159.0, 121.0, False),
    ("USB-C Dock", 189.0, 140.0, False),
    ("Labour - hourly", 95.0, 0.0, False),
    ("Project labour - daily", 650.0, 0.0, False),
    ("Network cable 3m", 4.0, 1.2, False),
    ("Firewall subscription", 39.0, 24.0, True),
    ("Domain registration", 15.0, 8.0, True),
)
SUPPLIER_NAMES = (
    "Ingram Micro",
    "TD Synnex",
    "Westcoast",
    "Pax8",
    "Dell Technologies",
    "Giacom",
    "Exclaimer",
    "Sophos",
    "Datto",
    "N-able",
    "CDW",
    "Insight",
    "Tech Data",
    "Computacenter",
    "Softcat",
)
QUOTE_TITLES = (
    "Laptop refresh",
    "Network upgrade",
    "Microsoft 365 migration",
    "New office fit-out",
    "Server replacement",
    "Firewall renewal",
    "Wi-Fi survey and install",
    "Backup expansion",
    "Phone system upgrade",
)
CRM_NOTES = (
    "Quarterly business review held.",
    "Discussed renewal of the support contract.",
    "Client asked for a quote for new laptops.",
    "Introductory call with new office manager.",
    "Followed up on overdue invoice.",
    "Walked through the security roadmap.",
)
PROJECT_NAMES = (
    "Office 365 migration",
    "Network refresh",
    "Server to cloud migration",
    "New site opening",
    "Laptop rollout",
    "Security hardening",
    "Phone system replacement",
    "Backup overhaul",
)
MILESTONE_NAMES = ("Discovery", "Design", "Procurement", "Build", "Migration", "Testing", "Handover")
OPP_TYPES = ("New business", "Upsell", "Renewal", "Project")
