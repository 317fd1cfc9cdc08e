"""The layer (data, systems, people, commercial) a section's name suggests, for a questionnaire
without a layer column (CAIQ, HECVAT, SIG, an RFP). The import lists every guess in a warning.

One ordered table: the first rule whose words occur in the name, as whole words, wins. Phrases
that a single word would misread come first ("Key Management" is cryptography, not people;
"Data Center" is systems, "Training Data" is data, "Model Training" is systems), then commercial,
data, people and systems words. A name that matches nothing is "people".
"""

from __future__ import annotations

import re

DEFAULT_LAYER = "people"

LAYER_RULES: tuple[tuple[str, str], ...] = (
    # Phrases first.
    ("data", r"training data|personal (data|information)|data (protection|governance|quality|privacy|handling)"),
    ("systems", r"data ?cent(er|re)s?|model (training|development|operations|monitoring|risk|security)"
                r"|quality assurance|change control|configuration management|key management|business continuity"
                r"|disaster recovery|incident (response|management|handling)|physical security"),
    ("people", r"human resources?|track record|adoption|training|awareness|organi[sz]ational change"),
    # Then single words, by layer.
    ("commercial", r"commercials?|pric(e|es|ing)|costs?|contracts?|contractual|legal|terms|licen[cs]\w*|financ\w*"
                   r"|insurance|payments?|billing|invoic\w*|procurement|liabilit\w*|indemni\w*|sla|service levels?"
                   r"|supply chain|third part(y|ies)|vendor management|suppliers?"),
    ("data", r"data|privacy|gdpr|hipaa|ferpa|ccpa|pci|pii|phi|datasets?|pipelines?|label(l)?ing|annotations?"
             r"|retention|lineage|anonymi[sz]\w*|pseudonymi[sz]\w*"),
    ("people", r"people|teams?|staff\w*|personnel|hr|skills?|experience|references?|compan(y|ies)|organi[sz]ations?"
               r"|governance|compliance|audit\w*|assurance|polic(y|ies)|procedures?|processes|documentation"
               r"|projects?|delivery|timelines?|support|explainab\w*|transparency|accountability|ethics"
               r"|responsible|leadership|continuity|onboarding"),
    ("systems", r"systems?|security|secure|cyber\w*|crypt\w*|encrypt\w*|keys?|identity|access|authenticat\w*"
                r"|authori[sz]\w*|accounts?|iam|sso|mfa|endpoints?|network\w*|firewalls?|ids|ips|infrastructure"
                r"|virtuali[sz]\w*|cloud|host(ed|ing)|servers?|applications?|interfaces?|apis?|integrat\w*"
                r"|interoperab\w*|portab\w*|logging|logs|monitoring|incidents?|forensics?|e ?discovery"
                r"|vulnerabilit\w*|threats?|patch\w*|penetration|resilien\w*|backups?|recovery|change management"
                r"|configuration|architecture|technical|technolog\w*|platforms?|software|mlops|devops|operations"
                r"|operational|deployment|models?|machine learning|ml|ai|artificial intelligence|generative|llms?"
                r"|databases?|mobile|web|it|accessib\w*|sox|sarbanes\w*|maintenance|availability|uptime"
                r"|scalab\w*"),
)

_COMPILED = tuple((layer, re.compile(rf"\b(?:{words})\b")) for layer, words in LAYER_RULES)


def guess_layer(section: str) -> str:
    """The layer a section's name suggests ("Cryptography, Encryption & Key Management" → systems)."""
    text = " ".join(re.findall(r"[^\W_]+", section.casefold()))
    for layer, pattern in _COMPILED:
        if pattern.search(text):
            return layer
    return DEFAULT_LAYER
