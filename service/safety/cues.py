"""Context cues, per language, that the context analyser looks for around a rule match.

All patterns are written against normalised text (lower case, no accents, no apostrophes).
"""

from __future__ import annotations

import re

from service.safety.rule import compile_pattern


def _any(*parts: str) -> re.Pattern[str]:
    return compile_pattern("|".join(f"(?:{p})" for p in parts))


# --- negation ------------------------------------------------------------------------------
NEGATION_TOKENS = frozenset(
    [
        "not",
        "never",
        "no",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "wont",
        "wouldnt",
        "cant",
        "cannot",
        "couldnt",
        "havent",
        "hasnt",
        "hadnt",
        "arent",
        "werent",
        "shouldnt",
        "aint",
        "neither",
        "nor",
        "nicht",
        "nie",
        "niemals",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "nimmer",
        "ne",
        "pas",
        "jamais",
        "aucun",
        "aucune",
        "nai",
        "nest",
        "nen",
        "navait",
        "nunca",
        "jamas",
        "ni",
        "tampoco",
    ]
)
# German and French often put the negation after the verb: "er schlägt mich nicht".
TRAILING_NEGATION_TOKENS = frozenset({"nicht", "nie", "niemals", "pas", "jamais"})
# Phrases that contain a negation word but do not negate what follows.
NEGATION_NEUTRALISERS = _any(
    r"\b(?:i\s+)?(?:dont|do\s+not|didnt)\s+know\b",
    # Not knowing or telling is not denying: "she doesn't know he choked me", "I never told anyone".
    r"\b(?:doesnt|does\s+not|didnt|did\s+not|dont|do\s+not|wont|never)\s+(?:even\s+)?(?:know|knew|realis\w*|realiz\w*"
    r"|notice\w*|find\s+out|found\s+out|told|tell|tells)\b|\b(?:no\s+one|nobody)\s+(?:knows|knew)\b",
    r"\bnot\s+(?:sure|only|just|even\s+sure)\b",
    r"\bno\s+idea\b",
    r"\bdidnt\s+just\b",
    r"\b(?:cant|cannot|couldnt|can\s+not)\s+(?:stop|help|get\s+(?:rid|over))\b",
    r"\bnever\s+(?:been|felt)\s+(?:so|this|that|more)\b",
    r"\bweiss\s+(?:ich\s+)?nicht\b|\bnicht\s+(?:sicher|nur)\b|\bkeine\s+ahnung\b",
    r"\b(?:ne\s+)?sais\s+pas\b|\bpas\s+sure?\b|\bpas\s+seulement\b",
    r"\bno\s+se\b|\bno\s+estoy\s+segur[oa]\b|\bni\s+idea\b|\bno\s+solo\b",
)

# Where a negation's reach ends: sentence ends, commas, and contrastive conjunctions.
CLAUSE_BOUNDARY = compile_pattern(
    r"[.!?;:\n]|,(?!\s*(?:ever|never|jamais|nunca|nie)\b)"
    r"|\b(?:but|though|although|however|yet|because|aber|sondern|weil|mais|parce|pero|sino)\b"
    r"|\b(?:and|und|et|y)\b(?=\s+(?:he|she|they|i|er|sie|ich|il|elle|je|el|ella|yo|will|want|veux|quiero|mochte)\b)"
)
# An ellipsis followed by more words on the line is a pause, not a sentence end.
SENTENCE_END = re.compile(r"\.{3,}(?![ \t]*\w)|(?<!\.)\.{1,2}(?!\.)|[!?]+[.!?]*|\n+")

# --- hypotheticals and questions about people in general ----------------------------------
HYPOTHETICAL = _any(
    r"\bwhat\s+if\s+(?:someone|somebody|a\s+person|anyone|people|a\s+(?:friend|woman|man|partner|guy|girl))\b",
    r"\bif\s+(?:he|she|they|my\s+(?:husband|wife|partner|boyfriend|girlfriend))\s+ever\s+(?:\w+\s+)?"
    r"(?:hit|hits|hurt|hurts|touched|touches|laid|lays|raised|raises|put|puts|pushed|shoved|slapped|threatened"
    r"|threatens|choked|chokes|grabbed|kicked|abused|controlled)\b",
    r"\bhypothetical(?:ly)?\b|\bsuppos(?:e|ing)\b|\bimagine\b|\blets\s+say\b",
    r"\bif\s+(?:someone|somebody|anyone|a\s+person|people|your\s+partner|a\s+partner|a\s+friend)\b",
    r"\bhow\s+(?:do|would|can|could)\s+(?:you|i|one|people|someone)\s+(?:know|tell|help|spot|recogni[sz]e)\b",
    r"\bsigns?\s+(?:of|that)\b|\bis\s+it\s+(?:normal|abuse|ok|okay)\s+(?:if|when|for)\b",
    r"\bwas\s+(?:ware|waere|ist),?\s+wenn\s+jemand\b|\bangenommen\b|\bhypothetisch\b",
    r"\bstell\s+dir\s+vor\b|\b(?:wenn|falls)\s+jemand\b",
    r"\bet\s+si\s+quelquun\b|\bhypothetiquement\b|\bimaginons\b|\bsupposons\b|\bsi\s+quelquun\b",
    r"\by\s+si\s+alguien\b|\bque\s+pasaria\s+si\b|\bhipoteticamente\b|\bsupongamos\b",
    r"\bimagina(?:te)?\s+que\b|\bsi\s+alguien\b",
    # "if he ever hit me I'd leave", in the other three languages.
    r"\b(?:wenn|falls)\s+(?:er|sie)\s+(?:mich\s+)?(?:jemals|je|irgendwann|einmal)\b",
    r"\bsi\s+(?:un\s+jour|jamais)\s+(?:il|elle)\s+(?:me\s+|ma\s+)?(?:frappe|touche|leve|bat|gifle)",
    r"\bsi\s+(?:algun\s+dia|alguna\s+vez|un\s+dia)\s+(?:el|ella\s+)?(?:me\s+)?(?:pega|pegara|toca|tocara|golpea|golpeara)",
    # A question someone asked that the writer answered with no.
    r"\basked\s+(?:me\s+)?(?:\w+\s+){0,2}?(?:if|whether)\b(?=[^\n]{0,80}\b(?:and\s+)?i\s+(?:could\s+(?:honestly\s+|truthfully\s+)?"
    r"|can\s+(?:honestly\s+)?)?(?:said|say|told\s+\w+|answered|answer)\s+no\b)",
    # A professional's routine questions: "the social worker was asking us questions, does anyone hit her".
    r"\basking\s+(?:us|me|them|him|her)\s+(?:\w+\s+){0,2}?questions\b",
    # Questions put to someone else, and questions about what a word means.
    r"\b(?:are|were)\s+you\s+(?:\w+\s+)?(?:thinking|having\s+thoughts|suicidal|planning)\b|\basked\s+(?:me\s+|us\s+)?what\b",
)

# --- fiction and media ---------------------------------------------------------------------
_MEDIA = (
    r"movie|film|book|novel|tv\s+show|show|series|episode|podcast|documentary|docu|video\s*game"
    r"|game|song|lyrics|article|story|season|netflix|anime|manga|comic|play|musical|true\s+crime"
    r"|buch|roman|serie|folge|spiel|lied|doku|artikel|geschichte|tatort|krimi|thriller"
    r"|livre|episode|jeu|chanson|documentaire|histoire"
    r"|pelicula|peli|libro|novela|episodio|juego|cancion|documental|historia|articulo"
    # Study and training about a subject: "a project at university about domestic abuse".
    r"|project|thesis|dissertation|essay|lecture|workshop|seminar|webinar|module|coursework|assignment"
    r"|reportage|sendung|referat|vortrag|hausarbeit|projekt|emission|formation|conference|memoire|expose|atelier"
    r"|reportaje|programa|charla|taller|tesis|proyecto|ponencia"
)
MEDIA = _any(
    rf"\b(?:{_MEDIA})\b[^.!?\n]{{0,25}}?\b(?:about|where|in\s+which|uber|handelt|wo|ou|sur|parle|sobre|donde|trata)\b",
    rf"\b(?:{_MEDIA})\b[^.!?\n]{{0,30}}?\b(?:geschaut|gesehen|geguckt|ging\s+(?:es\s+)?um|geht\s+(?:es\s+)?um)\b",
    rf"\b(?:in|from|im|aus|dans|en|de)\s+(?:the|a|this|that|dem|der|einem|einer|le|la|un|une|ce|cette|el|una|esta|este)\s+(?:{_MEDIA})\b",
    r"\b(?:character|protagonist|heroine|villain|narrator|protagonistin|hauptfigur|personnage|personaje|protagonista)\b",
    r"\bfor\s+those\s+who\s+(?:havent|have\s+not)\s+(?:read|seen|watched)\b|\b\w+\s+hundred\s+pages\b|\bbook\s+club\b",
    r"\b(?:suicide|death|murder|fight|abuse|rape|violent|shooting)\s+scenes?\b|\bscenes?\s+(?:where|in\s+which|with)\b",
)

# --- jokes: a laugh marker plus a trivial object turns "I'll kill him" into an idiom -----------
LAUGH = _any(
    r"\b(?:lol|lmao|lmfao|rofl|ha(?:ha)+h?|he(?:he)+|hihi\w*|ja(?:ja)+|je(?:je)+|jk|xd|mdr|ptdr)\b",
    r"\b(?:just\s+kidding|kidding|nur\s+spass|spass|scherz|pour\s+rire|es\s+broma|broma)\b",
    r"\blach\w*|\bgrins\b",
    "[\U0001f602\U0001f923\U0001f605\U0001f606\U0001f61c\U0001f61d\U0001f61b\U0001f604"
    "\U0001f601\U0001f609\U0001f639\U0001f92a\U0001f644]",
    r":-?[dp]\b|;-?\)|:-?\)|xd\b",
)
TRIVIAL = _any(
    r"\b(?:fries|pizza|chocolate|cake|cookies?|snacks?|leftovers|chips|candy|ice\s*cream|coffee"
    r"|dessert|sandwich|burger|nutella|last\s+slice|donuts?|sushi|popcorn|bacon|cheese|food|lunch)\b",
    r"\b(?:spoil\w*|episode|finale|netflix|remote|tv|series|show|game|match|mario\s*kart|fifa|chess"
    r"|monopoly|playstation|xbox|puzzle|crossword)\b",
    r"\b(?:dishes|laundry|socks|towels?|toilet\s+seat|trash|bin|snoring|snores|jokes?|puns?|shoes"
    r"|shopping|haircut|charger|plants?|wifi|alarm|playlist|music|hoodie|blanket|parking)\b",
    r"\b(?:hangover|homework|exams?|meetings?|mondays?|deadline|emails|commute|weather|heat|cold|flu"
    r"|taxes|traffic|gym|workout|cramps|period|hungry|hunger|hambre|faim|hunger)\b",
    r"\b(?:pierde|pierden|perdio|loses|lose|lost|verliert|verlieren|perd|perdent)\s+(?:\w+\s+){0,2}?(?:otra\s+vez|again|wieder"
    r"|encore|el\s+(?:domingo|sabado|partido|clasico)|the\s+(?:derby|final|match|game)|das\s+spiel|le\s+match)\b",
    r"\b(?:late|wedding|ikea|wardrobe|instructions|furniture|recipe|karaoke|birthday\s+cake|milk|bills?|credit\s+card"
    r"|mess|receipts?|amazon|packages?|sauce|spicy|dent|scratch|forgot|forget|leftover|fridge|thermostat|netflix)\b",
    r"\b(?:schokolade|pommes|kuchen|kekse|eis|bier|chips|fernbedienung|serie|spoiler|socken"
    r"|geschirr|wasche|waesche|schnarchen|schnarcht|klopapier|handtuch|pizza|nutella|verrae?t\w*|ende|muell|mull)\b",
    r"\b(?:frites|chocolat|gateau|biscuits|bonbons|dessert|telecommande|serie|chaussettes"
    r"|vaisselle|ronfle\w*|linge|pizza|nutella|poubelles?|courses|fin\s+du\s+film)\b",
    r"\b(?:papas|patatas|chocolate|pastel|galletas|helado|postre|control\s+remoto|mando|serie"
    r"|calcetines|platos|ronca\w*|ropa|pizza|nutella)\b",
)

# An explicit "it was a joke" needs no trivial object: "he hid my phone as a joke".
JOKE_EXPLICIT = _any(
    r"\bas\s+a\s+(?:joke|prank|gag)\b|\bjokingly\b|\bpranked\s+me\b|\bfor\s+a\s+laugh\b",
    r"\bals\s+(?:scherz|witz)\b|\bpour\s+(?:rire|blaguer)\b|\bpara\s+hacer\s+una\s+broma\b|\bde\s+broma\b",
    # Not meant (by accident) or asked for (consent): "because I asked him to".
    r"\b(?:by\s+accident|accidentally|aus\s+versehen|versehentlich|par\s+accident|sans\s+faire\s+expres|sin\s+querer"
    r"|por\s+accidente)\b|\bon\s+a\s+(?:bien\s+)?ri\b",
    # The writer's own jokes: "I keep joking about unaliving myself" (a self-harm joke stays a concern).
    r"\bi\s+(?:\w+\s+)?(?:joke|jokes|joked|joking)\s+about\b",
    # "noch eine Pivot-Tabelle und ich spring aus dem Fenster": a hyperbole about the last straw.
    r"\b(?:noch\s+(?:ein|eine|einen|einmal)|one\s+more|encore\s+(?:un|une)|otr[oa]\s+\w+\s+mas)\b[^.!?\n]{0,40}?\b(?:und|and"
    r"|et|y)\s+(?:ich|i|je|me)\s+(?:\w+\s+)?(?:spring\w*|jump\w*|schmeiss\w*|saute|me\s+jette|me\s+tire|me\s+mato|me\s+tiro"
    r"|throw\s+myself|kill\s+myself)",
    r"\b(?:because|since|as|and|weil|parce\s+que|porque|y)\s+(?:i|ich|je|yo)\s+(?:\w+\s+)?(?:asked|wanted\s+(?:him|her)\s+to"
    r"|gebeten|lui\s+ai\s+demande|se\s+lo\s+pedi|le\s+pedi)\b",
    # Safekeeping and shared purpose turn "keeps my ID", "took my phone" into care, not control.
    # ("for safekeeping" is not listed: written in scare quotes it reports control, not care.)
    r"\bbecause\s+i\s+(?:always\s+|keep\s+|tend\s+to\s+)?(?:lose|lost|forget|misplace)\b",
    r"\bso\s+(?:that\s+)?we\s+(?:could|can|would)\b|\bat\s+my\s+(?:own\s+)?request\b|\b(?:honestly\s+)?it\s+(?:really\s+)?helps\b",
    r"\bweil\s+ich\s+(?:\w+\s+){0,3}?(?:vergesse|verliere|vergessen\s+habe|verloren\s+habe)\b",
    r"\bparce\s+que\s+je\s+(?:les\s+|le\s+|la\s+)?(?:perds|oublie)\b|\bcest\s+moi\s+qui\s+(?:lui\s+)?(?:ai\s+)?demande\b|\ba\s+ma\s+demande\b",
    r"\bporque\s+(?:yo\s+)?(?:siempre\s+)?(?:lo|la|los|las)\s+(?:pierdo|olvido)\b|\byo\s+se\s+lo\s+pedi\b",
    # Love framing ("it's so sweet") never defuses control (LABELLING.md), so it is not listed here.
    r"\b(?:when\s+i\s+ask|(?:im\s+)?(?:always\s+)?asking|i\s+(?:always\s+)?ask)\s+(?:him|her|them)\s+to\b|\bto\s+(?:install|update|fix|charge|set\s+up)\s+(?:the|it|my|an?)\b",
)

# --- past and resolved -----------------------------------------------------------------------
PAST = _any(
    r"\b(?:years?|decades?|a\s+long\s+time)\s+ago\b|\b(?:previous|past|former|last|old|earlier)\s+relationship\b",
    r"\bmy\s+ex\b|\bex-?\s?(?:husband|wife|boyfriend|girlfriend|partner)\b",
    r"\b(?:in|since|back\s+in)\s+(?:19|20)\d\d\b|\b(?:first|former)\s+(?:husband|wife|marriage|partner|boyfriend|girlfriend)\b",
    r"\bwhen\s+i\s+was\s+(?:a\s+(?:kid|child|teen|teenager)|younger|little|in\s+(?:high\s+school|college)|\d+)\b",
    r"\bas\s+a\s+(?:kid|child|teen|teenager)\b|\bgrowing\s+up\b|\bback\s+then\b|\bused\s+to\b",
    r"\bin\s+(?:college|high\s+school|uni|university|my\s+(?:teens|twenties|early\s+twenties|late\s+teens))\b",
    r"\banniversary\s+of\b|\bsince\s+i\s+last\b|\bmy\s+old\s+(?:self-?harm\s+)?scars\b",
    r"\bvor\s+(?:\w+\s+)?jahren\b|\bdamals\b|\bfruher\b|\bfrueher\b|\bmein(?:em)?\s+ex\b",
    r"\bex-?(?:freund\w*|mann|frau|partner\w*)\b|\b(?:mon|ma)\s+(?:ex-?(?:mari|copain|conjoint|compagnon|femme|copine|chum)"
    r"|ancien\s+(?:copain|mari|conjoint|compagnon)|ancienne\s+(?:copine|femme|conjointe))\b"
    r"|\bmi\s+ex-?(?:marido|esposo|esposa|novio|novia|pareja)\b|\bexpareja\b",
    r"\bin\s+meiner\s+(?:letzten|fruheren|alten|vorherigen|ersten)\s+beziehung\b|\bals\s+(?:kind|teenager|jugendliche)\b",
    r"\bil\s+y\s+a\s+(?:des|quelques|plusieurs|\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente)\s+ans\b|\bautrefois\b|\bmon\s+ex\b",
    r"\bdans\s+ma\s+(?:relation|couple)\s+(?:precedente|davant)\b|\bquand\s+jetais\s+(?:petite?|ado|jeune|enfant)\b",
    r"\bhace\s+(?:\w+\s+)?anos\b|\bmi\s+ex\b|\ben\s+mi\s+relacion\s+anterior\b",
    r"\bcuando\s+era\s+(?:nina|nino|joven|adolescente|chica|chico)\b|\bde\s+(?:nina|nino|adolescente)\b",
    # "five years free from self-harm", but "again after three years clean" is a relapse, not the past.
    r"(?<!\bafter\s)\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty|thirty)\s+(?:years?|months?)\s+"
    r"(?:since|free|clean)\b|\bwhen\s+i\s+was\s+(?:\w+teen|eight|nine|ten|eleven|twelve|twenty\w*|six|seven)\b",
    r"\bbetween\s+(?:about\s+)?(?:the\s+ages?\s+(?:of\s+)?)?\d+\s+and\s+\d+\b|\bfrom\s+(?:19|20)\d\d\s+(?:to|until|till)\b"
    r"|\bnever\s+(?:went|looked|going)\s+back\b",
    r"\b(?:en|entre|de|desde|hasta|von|bis|zwischen|im\s+jahr)\s+(?:19|20)\d\d\b",
)
RESOLVED = _any(
    r"\b(?:im|i\s+am|i\s+feel)\s+(?:\w+\s+)?safe(?:\s+now)?\b|\bsafe\s+now\b",
    r"\b(?:thats|its|it\s+is|that\s+is)\s+(?:all\s+)?(?:behind\s+me|in\s+the\s+past|over\s+now|long\s+over)\b",
    r"\bi\s+(?:got\s+out|left\s+(?:him|her|them)|got\s+help|moved\s+on|healed|recovered)\b|\bin\s+recovery\b",
    r"\b(?:clean|sober)\s+(?:for|since)\b|\b(?:doing|feel|im)\s+(?:so\s+|much\s+|a\s+lot\s+)?better\s+now\b",
    r"\bin\s+a\s+(?:good|better|much\s+better)\s+place\b|\btherapy\s+helped\b|\bhappy\s+now\b",
    r"\b(?:relationship|marriage)\s+i\s+(?:left|escaped|got\s+out\s+of)\b|\bi\s+left\s+(?:him|her|them)\s+in\b",
    r"\bsmall\s+win\b|\b(?:so\s+)?proud\s+of\s+(?:myself|how\s+far)\b|\bhow\s+far\s+ive\s+come\b",
    r"\b(?:jetzt|heute|inzwischen|mittlerweile)\s+(?:bin\s+ich\s+)?(?:in\s+)?sicher(?:heit)?\b|\bbin\s+(?:jetzt|heute)\s+sicher\b",
    r"\b(?:das\s+ist|es\s+ist)\s+vorbei\b|\bliegt\s+hinter\s+mir\b|\bgeht\s+(?:es\s+)?mir\s+(?:jetzt|heute|inzwischen)\s+(?:gut|besser)\b",
    r"\b(?:maintenant|aujourdhui)\s+(?:je\s+suis\s+en\s+securite|je\s+vais\s+bien|ca\s+va)\b|\bje\s+suis\s+en\s+securite\b",
    r"\bcest\s+(?:derriere\s+moi|fini|du\s+passe)\b|\bje\s+men\s+suis\s+sortie?\b",
    r"\bahora\s+estoy\s+(?:a\s+salvo|segur[oa]|bien|mejor)\b|\bestoy\s+a\s+salvo\b|\bya\s+(?:paso|estoy\s+bien)\b",
    r"\bquedo\s+atras\b|\bes\s+cosa\s+del\s+pasado\b",
    r"\bhappily\s+(?:re)?married\b|\bremarried\b|\b(?:im|i\s+am|and)\s+(?:\w+\s+){0,3}?doing\s+(?:great|really\s+well|so\s+well|well|fine)\b",
    r"\b(?:its|it\s+has)\s+been\s+(?:\w+\s+)?years\s+since\b|\b(?:frei|glucklich|gluecklich)\s+(?:und\s+)?(?:frei|glucklich|gluecklich)\b",
    r"\bfini\s+depuis\s+longtemps\b|\bahora\s+(?:soy|estoy)\s+feliz\b",
    r"\bdoing\s+(?:so\s+much\s+|much\s+|a\s+lot\s+)?better\b|\b(?:that|it)\s+feels\s+like\s+(?:another|a\s+different)\s+life\b",
    r"\b(?:\d+|\w+)\s+years?\s+since\s+i\s+last\b|\bnot\s+in\s+a\s+bad\s+place\b|\bgrateful\s+to\s+(?:be\s+(?:here|alive)|still\s+be\s+here)\b|\bclean\s+streak\b",
    r"\b(?:its|it\s+has)\s+been\s+(?:about\s+|almost\s+|over\s+|like\s+)?\w+\s+years\b(?!\s+of\b)",
    r"\bi\s+left\s+(?:in|back\s+in)\s+(?:19|20)\d\d\b|\bsafe\s+(?:and|&)\s+(?:home|happy|sound)\b",
    # Recovery told as a count: "10 years clean", "five years free from self harm", "free of it for nine years".
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty)\s+(?:years?|months?)\s+(?:clean|free|sober"
    r"|self[- ]?harm[- ]free)\b|\bfree\s+of\s+it\s+for\b|\b(?:ive|i\s+have)\s+been\s+(?:\w+\s+)?well\s+for\b"
    r"|\b(?:havent|have\s+not|hasnt)\s+(?:had|felt)\s+(?:a|an|any|the)\s+(?:thoughts?|urges?|episodes?)\b[^.!?\n]{0,30}?"
    r"\b(?:since|in\s+(?:years|ages|a\s+long\s+time))|\bi\s+left\s+(?:him|her|them\s+)?(?:\w+\s+){0,2}?(?:years?|decades?)\s+ago\b"
    r"|\bnever\s+(?:went|looked)\s+back\b",
    # A kind present partner next to an ex's violence: "my wife is so gentle", "he just held me".
    r"\bmy\s+(?:wife|husband|partner|fiancee?|boyfriend|girlfriend)\s+(?:\w+\s+){0,3}?(?:is|s|shes|hes|has\s+been)\s+\W*(?:so\s+"
    r"|very\s+|really\s+|always\s+|the\s+most\s+|the\s+)?(?:gentle|gentlest|kind|kindest|patient|safe|lovely|wonderful"
    r"|sweet|sweetest|caring|supportive|calm|calmest|softest)\b|\bmy\s+(?:wife|husband|partner|fiancee?|boyfriend|girlfriend)"
    r"\s+(?:has\s+)?never\s+(?:once\s+)?(?:raised|lifted)\s+(?:his|her|their|a)\s+(?:voice|hand)\b"
    r"|\b(?:doesnt|never)\s+(?:even\s+)?(?:ask|asks|check|checks)\s+where\s+(?:i|im)\b|\bjust\s+held\s+me\b(?!\s+(?:down|against"
    r"|back|by|there|in\s+place))|\bheld\s+me\s+while\s+i\s+(?:cried|shook|shaking|sobbed)\b",
    r"\b(?:jetzt|heute|inzwischen|mittlerweile)\s+geht\s+(?:es\s+)?mir\s+(?:\w+\s+)?(?:gut|besser)\b",
    # A new, kind partner named as such, in de/fr/es.
    r"\bmein\s+(?:jetziger|heutiger|neuer|aktueller)\s+(?:mann|freund|partner)\b|\bmeine\s+(?:jetzige|heutige|neue|aktuelle)"
    r"\s+(?:frau|freundin|partnerin)\b|\bmein\s+(?:mann|freund|partner)\s+(?:heute|jetzt)\s+ist\s+(?:so\s+|total\s+|sehr\s+)?"
    r"(?:lieb|sanft|gut\s+zu\s+mir|liebevoll)\b|\b(?:jetzt|heute|inzwischen|seit\s+\w+\s+jahren)\s+bin\s+ich\s+(?:\w+\s+){0,2}?"
    r"(?:mit\s+\w+\s+zusammen|verheiratet|glu(?:e)?cklich)\b|\bder\s+(?:sanfteste|liebste|geduldigste)\s+mensch\b",
    r"\bmon\s+(?:copain|mari|conjoint|compagnon|chum)\s+(?:actuel|daujourdhui)\b|\bma\s+(?:copine|femme|conjointe|compagne"
    r"|blonde)\s+(?:actuelle|daujourdhui)\b|\b(?:aujourdhui|maintenant|depuis\s+\w+\s+ans)\s+je\s+suis\s+(?:\w+\s+){0,2}?"
    r"(?:avec\s+\w+|mariee?|heureuse?)\b",
    r"\bmi\s+(?:pareja|novio|novia|esposo|esposa|marido|mujer)\s+(?:de\s+ahora|actual)\b|\b(?:ahora|hoy|desde\s+hace\s+\w+"
    r"\s+anos)\s+estoy\s+(?:\w+\s+){0,2}?(?:con\s+\w+|casad[oa]|feliz)\b",
)

# --- cues that turn a plan or threat into imminent danger (reported as evidence) -------------
TIMING: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\b(?:tonight|today|right\s+now|just\s+now|tomorrow|as\s+we\s+speak|at\s+this\s+moment)\b",
        r"\b(?:it|this|myself|me|here)\s+now\b(?!\s+(?:and\s+then|that|than))",
        r"\bthis\s+(?:evening|afternoon|morning|weekend)\b|\bin\s+(?:an|a\s+few|\d+)\s+(?:hours?|minutes?|mins?)\b",
        r"\bwhen\s+(?:he|she|they)\s+gets?\s+(?:home|back|here|in)\b|\ball\s+night\b|\bafter\s+(?:dinner|work)\b",
        # A named day ahead ("this sunday", "by friday", "sunday he's away"); a bare "on sunday"
        # is as often last week as next, so it does not count.
        r"\b(?:this|next|by|until|before)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
        r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:when|while)\b"
        r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:he|she|they)(?:s|\s+is|\s+are|re|ll\s+be|\s+will\s+be)\s+away\b",
        r"\b(?:an|a\s+few|\d+|ten|twenty|thirty|few)\s+(?:hours?|minutes?|mins?)\s+ago\b|\bearlier\s+tonight\b",
        r"\b(?:just|literally\s+just)\s+(?=(?:hit|punched|slapped|kicked|choked|strangled|shoved|pushed|threw|grabbed"
        r"|attacked|beat|drove|took|left|showed|locked|broke|stabbed|cut|burned|texted|called)\b)",
    ),
    # The same kinds of timing as English: today and tonight, in an hour, this weekend, a named day
    # ahead, when the partner is home or asleep, just now.
    "de": _any(
        r"\b(?:heute?(?:\s+(?:nacht|abend|fruh|frueh|morgen))?|jetzt|gerade|grade|gleich|sofort|morgen|diese\s+nacht)\b"
        r"|\bvor\s+(?:einer|zwei|drei|\d+|ein\s+paar|zehn|zwanzig)\s+(?:stunden?|minuten)\b|\bvorhin\b|\bnachher\b",
        r"\bin\s+(?:einer|zwei|drei|\d+|ein\s+paar|einer\s+halben)\s+(?:stunden?|minuten)\b|\b(?:dieses|am|nae?chstes)\s+wochenende\b",
        # A named day ahead; a bare "am Montag" is as often last week as next.
        r"\b(?:diesen|nae?chsten|bis|ab)\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b",
        r"\bwenn\s+(?:er|sie)\s+(?:\w+\s+)?(?:heimkommt|nach\s+hause\s+kommt|zurue?ckkommt|wiederkommt|schlae?ft)\b"
        r"|\bdie\s+ganze\s+nacht\b|\bnach\s+dem\s+(?:abendessen|essen)\b"
        r"|\bbevor\s+(?:er|sie|jemand|alle|irgendwer)\s+(?:\w+\s+)?(?:aufwacht|aufwachen|heimkommt|heimkommen)\b",
    ),
    "fr": _any(
        r"\b(?:ce\s+soir|a\s+soir|cette\s+nuit|maintenant|aujourdhui|tout\s+de\s+suite|demain|en\s+ce\s+moment"
        r"|la\s+maintenant|ce\s+matin|cet\s+apres-?midi|tout\s+a\s+lheure|tantot)\b"
        r"|\bil\s+y\s+a\s+(?:une|deux|trois|quelques|\d+|dix|vingt)\s+(?:heures?|minutes)\b",
        r"\bdans\s+(?:une|deux|trois|quelques|\d+|une\s+demi-?)\s*(?:heures?|minutes|min)\b"
        r"|\b(?:ce|cette)\s+(?:week-?end|fin\s+de\s+semaine)\b",
        r"\b(?:ce|d\s*ici|avant|jusqua)\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b"
        r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+prochain\b",
        r"\bquand\s+(?:il|elle)\s+(?:\w+\s+)?(?:rentre|rentrera|reviendra|revient|dort|dormira)\b|\btoute\s+la\s+nuit\b"
        r"|\bapres\s+le\s+(?:souper|diner|repas)\b"
        r"|\bavant\s+qu\s*(?:il|elle|on|ils|elles|a)\s+(?:\w+\s+)?(?:rentre|revienne|se\s+reveille|reviennent)\b",
    ),
    "es": _any(
        r"\b(?:esta\s+noche|hoy|ahora(?:\s+mismo)?|ahorita|manana|en\s+este\s+momento|esta\s+tarde|al\s+rato"
        r"|en\s+un\s+rato|hace\s+un\s+rato)\b"
        r"|\bhace\s+(?:una|un\s+par\s+de|unas|dos|tres|\d+|diez|veinte)\s+(?:horas?|minutos)\b",
        r"\ben\s+(?:una|un\s+par\s+de|unas|dos|tres|\d+|media)\s+(?:horas?|minutos|hora)\b|\beste\s+fin\s+de\s+semana\b",
        r"\b(?:este|el\s+proximo|hasta\s+el|antes\s+del)\s+(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b"
        r"(?!\s+(?:pasado|anterior))",
        r"\bcuando\s+(?:el|ella)\s+(?:\w+\s+)?(?:llegue|vuelva|regrese|se\s+duerma)\b|\btoda\s+la\s+noche\b"
        r"|\bdespues\s+de\s+(?:cenar|la\s+cena|comer)\b"
        r"|\bantes\s+de\s+que\s+(?:\w+\s+)?(?:llegue|vuelva|regrese|se\s+despierte|despierte)\b",
    ),
}
MEANS: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\b(?:pills|tablets|sleeping\s+pills|painkillers|rope|noose|gun|pistol|razors?|blades?)\b",
        r"\b(?:shotgun|rifle|firearm|hosepipe|charcoal|poison|insulin)\b",
        r"\b(?:bridge|ledge|rooftop|train\s+tracks|overdose|goodbye\s+(?:letters?|notes?))\b",
        r"\b(?:i\s+have|ive\s+got|i\s+made|ive\s+made)\s+a\s+plan\b",
        r"\b(?:knife|knives|medicine|meds|medication|prescriptions?|the\s+bottle|car\s+exhaust|carbon\s+monoxide)\b",
        r"\b(?:the|a|my)\s+(?:letters?|notes?)\s+(?:is|are)\b|\beverything\s+in\s+the\s+(?:\w+\s+)?(?:cabinet|cupboard)\b",
        r"\bmade\s+(?:my|the)\s+(?:choice|decision)\b|\bset\s+(?:a|the)\s+date\b|\baffairs\s+in\s+order\b",
        r"\b(?:everything|it\s+all|all)\s+(?:is\s+|are\s+)?(?:ready|prepared|arranged|in\s+order)\b",
        r"\b(?:ive|i\s+have|i)\s+decided(?=\s*[.!,]|\s+(?:to\s+die|to\s+do\s+it|to\s+end|i\s+will\s+(?:join|do)))",
    ),
    # The same kinds of means as English: pills and medicine, rope, firearms, blades, heights and
    # railways, exhaust, a plan, letters, a decision taken.
    "de": _any(
        r"\b(?:tabletten|pillen|schlaftabletten|strick|waffe|pistole|rasierklingen?|klingen?)\b",
        r"\b(?:seil|gewehr|jagdgewehr|schusswaffe|waffenschrank\w*|schlafmittel|schmerzmittel|beruhigungsmittel|medis"
        r"|schlauch|auspuff|abgase|kohlenmonoxid|holzkohle|gift|hochhaus)\b|\bvor\s+(?:den|einen)\s+zug\b"
        r"|\b(?:vom|auf\s+(?:das|dem))\s+dach\b|\bich\s+hab\w*\s+(?:einen|nen)\s+plan\b"
        r"|\b(?:hab|habe)\s+(?:ich\s+)?alles\s+(?:geregelt|vorbereitet|bereit)\b",
        r"\b(?:brucke|bruecke|gleise|uberdosis|ueberdosis|abschiedsbriefe?)\b|\bich\s+habe\s+einen\s+plan\b",
        r"\b(?:messer|medikamente)\b|\balles\s+ist\s+(?:bereit|vorbereitet|geregelt)\b|\bentschieden\b",
    ),
    "fr": _any(
        r"\b(?:cachets|medicaments|pilules|comprimes|somniferes|corde|arme|pistolet|lames?)\b",
        r"\b(?:medocs|fusil|carabine|rasoir|noeud\s+coulant|voie\s+ferree|tuyau|pot\s+dechappement|charbon|poison"
        r"|antidouleurs|anxiolytiques|doliprane|paracetamol)\b|\b(?:du|sur\s+le)\s+toit\b|\bsous\s+(?:le|un)\s+train\b"
        r"|\b(?:ma\s+decision\s+est\s+prise|cest\s+decide|jai\s+tout\s+ce\s+quil\s+(?:me\s+)?faut|tout\s+est\s+en\s+ordre"
        r"|jai\s+regle\s+mes\s+affaires|jai\s+choisi\s+(?:le\s+jour|la\s+date))\b",
        r"\b(?:pont|rails|surdose|lettres?\s+dadieu)\b|\bjai\s+un\s+plan\b",
        r"\b(?:couteau|tout\s+est\s+pret|jai\s+tout\s+prepare|jai\s+decide|jai\s+ecrit\s+(?:les|mes|des)\s+lettres)\b",
    ),
    "es": _any(
        r"\b(?:pastillas|pildoras|somniferos|cuerda|soga|arma|pistola|navaja|cuchillas?)\b",
        r"\b(?:pastis|medicinas|escopeta|rifle|fusil|revolver|azotea|cornisa|manguera|veneno|matarratas|clonazepam"
        r"|rivotril|paracetamol)\b|\b(?:tome\s+la\s+decision|ya\s+esta\s+decidido|lo\s+tengo\s+decidido"
        r"|tengo\s+todo\s+lo\s+que\s+necesito|deje\s+(?:todo|mis\s+cosas|mis\s+asuntos)\s+(?:en\s+orden|arreglad[oa]s?))\b",
        r"\b(?:puente|vias\s+del\s+tren|sobredosis|cartas?\s+de\s+despedida)\b|\btengo\s+un\s+plan\b",
        r"\b(?:cuchillo|medicamentos|todo\s+(?:esta\s+)?listo|ya\s+lo\s+decidi|lo\s+he\s+decidido)\b",
    ),
}

# Pronouns that, directly before a verb, make the writer its subject ("I check my phone").
WRITER_SUBJECTS = frozenset(
    ["i", "im", "ive", "ich", "je", "jai", "yo", "we", "wir", "nous", "nosotros"]
)
SUBJECT_ADVERBS = frozenset(
    [
        "always",
        "keep",
        "kept",
        "also",
        "sometimes",
        "often",
        "never",
        "constantly",
        "usually",
        "just",
        "still",
        "really",
        "immer",
        "auch",
        "oft",
        "manchmal",
        "toujours",
        "aussi",
        "souvent",
        "siempre",
        "tambien",
    ]
)

# --- danger now: turns recent violence or control into imminent danger (reported as evidence)
_HE_NOW = r"(?:hes|shes|theyre|he\s+is|she\s+is|they\s+are)"
DANGER_NOW: dict[str, re.Pattern[str]] = {
    "en": _any(
        rf"\b{_HE_NOW}\s+(?:still\s+|now\s+|right\s+)?(?:outside|at\s+(?:the|my|our)\s+(?:front\s+)?door|out\s+front"
        r"|downstairs|in\s+the\s+(?:next|other)\s+room|on\s+(?:his|her|their)\s+way|coming\s+(?:back|home|over|for\s+me)"
        r"|(?:like\s+|about\s+)?\d+\s+(?:min|mins|minutes)\s+(?:out|away))\b",
        rf"\b{_HE_NOW}\s+still\s+(?:here|there|at\s+(?:the|our|my)\s+\w+|in\s+the\s+\w+|screaming|yelling|shouting"
        r"|throwing|banging)\b|\b(?:his|her)\s+(?:car|truck)\s+is\s+still\b",
        r"\b(?:im|i\s+am)\s+(?:locked|trapped|stuck|shut)\s+(?:in|inside|out)\b|\blocked\s+(?:the\s+doors?\s+|me\s+in\s+)?"
        r"from\s+the\s+outside\b|\bhas\s+me\s+(?:pinned|locked|shut|trapped)\b",
        r"\b(?:im|i\s+am)\s+(?:hiding|in\s+the\s+(?:bathroom|closet|car|spare\s+room|basement))\b"
        r"|(?:^|[.!?\n]\s*)hiding\s+(?:in|from|at)\b",
        r"\b(?:typing|writing)\s+(?:this\s+)?(?:under|from(?!\s+(?:\d|the\s+future|experience|memory|the\s+heart|my\s+heart))|in\s+secret"
        r"|quietly|secretly|on\s+(?:my|a|his|her)\s+(?:phone|laptop|ipad|tablet|work\s+phone))"
        r"|\b(?:typing|writing)\s+(?:this\s+)?from\s+(?:my|a|his|her)\s+(?:ipad|tablet|laptop|work\s+phone|friends\s+phone|kids\s+phone)"
        r"|\b(?:typing|texting)\s+(?:this\s+)?(?:on\s+the\s+(?:laptop|computer|ipad|tablet)|under\s+(?:my|the))"
        r"|\b(?:walking|coming)\s+up\s+(?:to\s+)?(?:the|my)\s+(?:front\s+)?(?:door|drive|driveway|stairs|path)\b"
        r"|\bholding\s+the\s+door\s+(?:shut|closed)\b|\bbarricad\w*"
        r"|\b(?:on|from)\s+a\s+(?:laptop|phone|computer)\s+(?:he|she)\s+(?:forgot|doesnt\s+know)",
        r"\b(?:cant|cannot)\s+(?:get\s+up|breathe|stop\s+the\s+bleeding)\b|\blooks?\s+(?:wrong|broken)\b",
        r"\b(?:floppy|limp|unresponsive|seizure|unconscious|gash|bleeding|wont\s+wake\s+up|not\s+waking\s+up)\b"
        r"|\bwont\s+let\s+me\s+take\s+(?:him|her|them|me)\s+to\s+(?:a|the)\s+(?:doctor|hospital|er)\b",
        r"\bwhere\s+do\s+(?:i|we)\s+go\b|\bwhen\s+i\s+come\s+out\b|\b(?:come|coming)\s+back\s+with\b",
        r"\b(?:driving|taking)\s+me\s+(?:somewhere|away)\b|\bwont\s+(?:say|tell\s+me)\s+where\b|\bwalking\s+me\s+out\b",
        r"\b(?:isnt|is\s+not|not|stopped)\s+answering\b|\bin\s+the\s+(?:street|road)\b",
        r"\bif\s+(?:im|i\s+am|i\s+dont\s+(?:come|get))\s+(?:not\s+)?(?:home|back|here)\s+(?:in|within|by)\b",
    ),
    "de": _any(
        r"\bich\s+bin\s+(?:\w+\s+)?(?:eingesperrt|eingeschlossen|ausgesperrt)\b|\bhab\w*\s+mich\s+(?:im\s+\w+\s+)?(?:eingesperrt"
        r"|eingeschlossen|versteckt)\b|\b(?:er|sie)\s+steht\s+vor\s+der\s+tue?r\b"
        r"|\b(?:er|sie)\s+(?:ist\s+auf\s+dem\s+weg|kommt\s+gleich|kommt\s+zurue?ck)\b|\bschreibe\s+(?:heimlich|vom)\b"
        r"|\bgeht\s+nicht\s+(?:ans\s+telefon|ran)\b",
    ),
    "fr": _any(
        r"\bje\s+suis\s+(?:enfermee?|cachee?|bloquee?)\b|\bjecris\s+(?:depuis|en\s+cachette|discretement)\b"
        r"|\b(?:il|elle)\s+est\s+(?:devant|derriere)\s+la\s+porte\b|\b(?:il|elle)\s+(?:arrive|revient|est\s+en\s+route)\b"
        r"|\bne\s+repond\s+pas\b",
    ),
    "es": _any(
        r"\bestoy\s+(?:encerrad[ao]|escondid[ao]|atrapad[ao])\b|\b(?:esta|sigue)\s+(?:afuera|fuera|en\s+la\s+puerta)\b"
        r"|\bviene\s+(?:para\s+aca|de\s+camino|en\s+camino)\b|\bno\s+contesta\b|\bescribo\s+a\s+escondidas\b"
        r"|\bescribo\s+(?:esto\s+)?desde\s+(?:el|la|un|una)\s+(?:ordenador|computadora|movil|celular|telefono|tablet)\b",
    ),
}

# --- on the job: a crisis word met at work is someone else's crisis ---------------------------
PROFESSIONAL = _any(
    r"\b(?:im|i\s+am|i\s+work\s+as|working\s+as|ive\s+been|i\s+have\s+been|i\s+was|as)\s+an?\s+(?:\w+\s+)?(?:paramedic|emt|nurse|doctor|physician|gp"
    r"|therapist|counsel?lor|psychologist|psychiatrist|social\s+worker|police\s+officer|cop|firefighter|dispatcher"
    r"|pharmacist|midwife|carer|caregiver|case\s+worker|crisis\s+worker)\b",
    r"\b(?:i\s+work|working|volunteer\w*)\s+(?:\w+\s+){0,5}?(?:at|in|on|for)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:hospital|ward|er|ambulance"
    r"|shelter|refuge|hotline|helpline|crisis\s+line|clinic|prison)\b|\b(?:suicide|overdose|od|self[- ]harm)\s+(?:call|case|patient)s?\b",
    # A call-out on the job: "yesterday we got called to a man who'd...", "on my night shift".
    r"\bwe\s+(?:got|were|was)\s+(?:called|sent|dispatched|paged|tasked)\s+(?:out\s+)?to\b|\bcall-?outs?\b"
    r"|\b(?:on|during)\s+(?:my|a|the|our|last\s+nights?)\s+(?:night\s+|late\s+|early\s+)?shift\b",
    r"\b(?:bin|arbeite\s+als)\s+(?:\w+\s+)?(?:notfallsanitae?ter\w*|rettungssanitae?ter\w*|sanitae?ter\w*|krankenschwester"
    r"|krankenpfleger\w*|pflegekraft|ae?rztin|arzt|therapeut\w*|psycholog\w*|sozialarbeiter\w*|polizist\w*)\b",
    r"\b(?:im|beim)\s+(?:einsatz|dienst|nachtdienst)\b|\barbeite\s+(?:im|in\s+der|in\s+einem|in\s+einer)\s+(?:\w+\s+)?"
    r"(?:frauenhaus|krankenhaus|klinik|psychiatrie|notaufnahme|beratungsstelle)\b",
    r"\b(?:je\s+suis|je\s+travaille\s+comme)\s+(?:\w+\s+)?(?:infirmiere?|medecin|docteur|ambulanci\w*|pompier|polici\w*"
    r"|psychologue|psychiatre|therapeute|assistante?\s+sociale?|urgentiste|sage-femme)\b",
    r"\bje\s+travaille\s+(?:aux|a\s+l|au|dans\s+(?:un|une|le|la)|en)\s*(?:\w+\s+)?(?:urgences|hopital|psychiatrie|foyer"
    r"|clinique|samu)\b|\ben\s+(?:garde|intervention)\b",
    r"\b(?:soy|trabajo\s+como)\s+(?:\w+\s+)?(?:enfermer[oa]|medic[oa]|doctora?|paramedic[oa]|bomber[oa]|policia"
    r"|psicolog[oa]|psiquiatra|terapeuta|trabajadora?\s+social)\b",
    r"\btrabajo\s+en\s+(?:el\s+|la\s+|un\s+|una\s+)?(?:urgencias|hospital|refugio|albergue|psiquiatrico|clinica)\b"
    r"|\ben\s+(?:urgencias|guardia|el\s+turno)\b",
)
# Words that make a nearby crisis word the writer's own ("I'm a nurse and I'm suicidal").
WRITER_TOKENS = frozenset(
    [
        "i",
        "im",
        "ive",
        "id",
        "my",
        "myself",
        "me",
        "ich",
        "mein",
        "meine",
        "mich",
        "mir",
        "je",
        "jai",
        "mon",
        "ma",
        "mes",
        "moi",
        "yo",
        "mi",
        "mis",
        "estoy",
    ]
)

# --- whose story: the writer coming back to themselves or their own couple ------------------
# A friend's or relative's story stays theirs across sentences until one of these (or the
# writer's own partner or child, named with "my") brings the text back to the writer.
RETURN_TO_WRITER = _any(
    r"\b(?:as\s+for\s+(?:me|us)|back\s+to\s+(?:me|us|my\s+own)|(?:in|with)\s+my\s+own\s+(?:relationship|marriage|home|life)"
    r"|(?:things|it|stuff)\s+(?:with|between)\s+(?:me\s+and\s+\w+|us|\w+\s+and\s+me)|our\s+(?:own\s+)?(?:relationship|marriage)"
    r"|me\s+and\s+my\s+(?:husband|wife|partner|boyfriend|girlfriend|fiancee?))\b",
    r"(?:^|(?<=[.!?\n]))\s*anyway(?:s)?\b",
    r"\b(?:bei\s+uns|zuru(?:e)?ck\s+zu\s+mir|in\s+meiner\s+(?:eigenen\s+)?(?:beziehung|ehe)|unsere\s+(?:beziehung|ehe))\b",
    r"\b(?:quant\s+a\s+moi|de\s+mon\s+cote|dans\s+mon\s+(?:propre\s+)?couple|chez\s+nous|notre\s+(?:couple|relation))\b",
    r"\b(?:en\s+cuanto\s+a\s+mi|por\s+mi\s+parte|en\s+mi\s+(?:propia\s+)?(?:relacion|pareja)|lo\s+nuestro|nuestra\s+relacion)\b",
)
# A subject pronoun for someone else right before a match: "she's been self-harming",
# "she's not allowed to leave" (the rule's words then describe that person, not the writer).
THIRD_PERSON_SUBJECT = compile_pattern(
    r"\b(?:hes|shes|theyre|(?:he|she)\s+(?:is|was|has\s+been|had\s+been)|(?:they)\s+(?:are|were|have\s+been)"
    r"|(?:er|sie)\s+(?:ist|war)|(?:il|elle)\s+(?:est|etait)|(?:el|ella)\s+(?:esta|estaba|ha\s+estado))\s+"
    r"(?:(?:been|not|never|still|always|also|just|even|really|now|nicht|nie|pas|jamais|no|nunca)\s+){0,3}$"
)
# A person named right after one of these is a place or a companion, not the subject of a story:
# "I'm at the neighbours", "the quilt for my niece".
PREPOSITIONS = frozenset(
    [
        "at",
        "to",
        "from",
        "with",
        "for",
        "near",
        "by",
        "into",
        "in",
        "on",
        "of",
        "behind",
        "like",
        "than",
        "bei",
        "zu",
        "mit",
        "von",
        "vom",
        "zum",
        "zur",
        "fur",
        "chez",
        "a",
        "avec",
        "pour",
        "par",
        "de",
        "du",
        "des",
        "con",
        "para",
        "en",
        "del",
        "al",
        "por",
    ]
)
# ... unless the story is announced: "I'm worried about my brother", "es geht um meine Freundin".
STORY_ABOUT = re.compile(
    r"\b(?:about|um|uber|wegen|sobre|sagit\s+de|a\s+propos\s+de|au\s+sujet\s+de|trata\s+de|regarding|concerning"
    r"|(?:escribo|escribe|pregunto|vengo|estoy\s+preocupad[oa])\s+por|(?:inquiete?|inquiets?|souci)\s+pour)\s+$"
)
# Only a "be" between a person named and the match: "my husband has been suicidal".
BE_AUX_ONLY = compile_pattern(
    r"\s*(?:(?:is|s|was|are|were|has\s+been|had\s+been|have\s+been|been|ist|war|est|etait|esta|estaba|ha\s+estado)\s+)"
    r"(?:(?:not|never|still|always|also|just|even|really|now)\s+){0,2}"
)
# Words in a match that name the writer: then the match is the writer's, whoever else is near.
FIRST_PERSON = compile_pattern(
    r"\b(?:i|im|ive|id|il{2}|me|my|myself|mine|ich|mich|mir|mein\w*|je|jai|me|moi|mon|ma|mes|yo|mi|mis|conmigo)\b"
)
# The person a story is about has a partner of their own: "she's been with Rob for six years",
# "elle est avec Julien", "sie ist seit drei Jahren mit Tobias zusammen", "está con Marcos".
STORY_COUPLE = compile_pattern(
    r"\b(?:she|he|shes|hes|they|theyre)\s+(?:is\s+|s\s+|was\s+|has\s+been\s+|had\s+been\s+|been\s+)?(?:(?:together|married"
    r"|living|going\s+out|engaged)\s+)?(?:with|to)\s+(?!(?:us|me|them|my|our)\b)\w+"
    r"|\b(?:she|he)\s+(?:is|s|was)\s+(?:dating|seeing)\b|\b(?:her|his)\s+(?:new\s+)?(?:husband|wife|boyfriend|girlfriend|partner)\b"
    r"|\b(?:elle|il)\s+(?:est|etait|vit)\s+(?:\w+\s+)?avec\s+(?!(?:nous|moi)\b)\w+|\b(?:son|sa)\s+(?:mari|femme|copain|copine|conjointe?)\b"
    r"|\b(?:sie|er)\s+(?:ist|war|lebt)\s+(?:\w+\s+){0,3}?mit\s+\w+\s+(?:\w+\s+)?(?:zusammen|verheiratet)\b"
    r"|\b(?:ihr|sein)\s+(?:mann|freund|partner)\b|\b(?:ihre|seine)\s+(?:frau|freundin|partnerin)\b"
    r"|\b(?:esta|estaba|vive)\s+con\s+(?!(?:nosotros|migo)\b)\w+|\bsu\s+(?:marido|esposo|esposa|novio|novia|pareja)\b"
)
# Which person a pronoun can be: "he" is not "my sister".
PRONOUN_GENDER = {
    "he": "m",
    "hes": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "shes": "f",
    "her": "f",
    "herself": "f",
    "er": "m",
    "ihn": "m",
    "ihm": "m",
    "sein": "m",
    "seine": "m",
    "seinen": "m",
    "seinem": "m",
    "ihr": "f",
    "ihre": "f",
    "ihren": "f",
    "ihrem": "f",
    "ihrer": "f",
    "il": "m",
    "elle": "f",
    "el": "m",
    "ella": "f",
}
# The writer's own body right after a match: "bruises on my arms".
OWN_BODY_AFTER = compile_pattern(
    r"[^.!?\n]{0,25}?\b(?:on|in|all\s+over|across|around|up\s+and\s+down|an|am|auf|sur|en)\s+(?:both\s+)?"
    r"(?:my|mein\w*|mes|mon|ma|mis|mi)\b"
)
# The "her"/"him" a rule speaks of is one person: "the kids" cannot be who "shoved her" names.
SINGULAR_OBJECT = compile_pattern(r"\b(?:her|him|herself|himself|ihn|ihm)\b")

# --- quoted speech: whose words --------------------------------------------------------------
# A self-harm threat hung on what the writer does: "if you leave me I'll kill myself".
CONDITIONAL_ON_WRITER = compile_pattern(
    r"\b(?:if|unless|wenn|falls|si)\s+(?:you|u|du|tu|jamais\s+tu|me|te)\b|\bsi\s+(?:me|te)\s+\w+"
)
# ... and told by the writer: "he says he'll kill himself if I leave", "se va a matar si lo dejo".
CONDITIONAL_ON_WRITER_REPORTED = compile_pattern(
    r"\b(?:if|unless|once)\s+i\b|\bsi\s+(?:(?:lo|la|le)\s+)?(?:dejo|dejara|dejaba|termino|me\s+voy|me\s+iba)\b"
    r"|\bsi\s+je\b|\bsi\s+yo\b|\b(?:wenn|falls)\s+ich\b"
)
# Words taken back after an outburst: "said he didn't mean it", "laughed it off", "apologised".
TAKEN_BACK = _any(
    r"\b(?:didnt|did\s+not|doesnt|does\s+not)\s+(?:really\s+)?mean\s+(?:it|that)\b|\bnot\s+(?:literally|serious(?:ly)?)\b"
    r"|\b(?:was|were)\s+(?:just\s+)?(?:angry|upset|joking|kidding|venting|frustrated|humiliated)\b|\blaughed\s+it\s+off\b"
    r"|\b(?:apologi[sz]ed|said\s+sorry|took\s+it\s+back|calmed\s+down)\b|\bnever\s+(?:thought|meant)\b",
    r"\b(?:nicht\s+(?:so\s+)?ernst\s+gemeint|hat\s+sich\s+entschuldigt|nur\s+wu(?:e)?tend)\b",
    r"\b(?:(?:il|elle)\s+sest\s+excusee?|pas\s+serieux|pas\s+au\s+serieux|voulait\s+pas\s+dire)\b",
    r"\b(?:no\s+lo\s+decia\s+en\s+serio|pidio\s+perdon|se\s+disculpo|estaba\s+enojad[oa])\b",
)
# ... or hung on the writer in other words: "kill himself and take me with him", "I can't leave
# because he says he'll kill himself", "it'll be on me".
THREAT_HOOK = _any(
    r"\btake\s+(?:me|us|you|the\s+kids|the\s+children|the\s+baby|our\s+\w+|my\s+\w+)\s+(?:with|along)\b"
    r"|\b(?:cant|cannot|couldnt|can\s+not|afraid\s+to|scared\s+to|too\s+scared\s+to)\s+(?:leave|go|break\s+up|end\s+it)\b"
    r"(?!\s+(?:him|her|them)\s+(?:alone|on\s+(?:his|her|their)\s+own))"
    r"|\b(?:be\s+)?(?:all\s+)?on\s+me\b|\bmy\s+fault\b|\bblame\s+me\b|\bso\s+(?:that\s+)?i\s+(?:stay|come\s+back|dont\s+leave)\b",
    r"\bmitnehm\w*|\bnehme?\s+(?:dich|mich|uns|die\s+kinder)\s+mit\b|\b(?:deine|meine)\s+schuld\b"
    r"|\bkann\s+(?:ihn|sie)?\s*nicht\s+verlassen\b",
    r"\bm?(?:t|m)?emmener\s+avec\b|\bde\s+(?:ta|ma)\s+faute\b|\bje\s+(?:ne\s+)?peux\s+pas\s+(?:partir|le\s+quitter|la\s+quitter)\b",
    r"\bllevarme\s+con\b|\bme\s+lleva\s+con\b|\b(?:tu|mi)\s+culpa\b|\bno\s+puedo\s+(?:dejarlo|dejarla|irme)\b",
)
# "my friend's text: '...'": the words of whoever owns the message.
MESSAGE_OF = compile_pattern(
    r"s\s+(?:last\s+|latest\s+|new\s+)?(?:message|messages|text|texts|note|post|letter|email|dm|voicemail|voice\s+note)"
    r"\s*(?:(?:that\s+)?(?:said|says|read|reads))?\s*[:,-]?\s*$"
)
SPEECH = compile_pattern(
    r"\b(?:said|says|say|told|tells|texted|texts|wrote|writes|messaged|messages|yelled|yells|yelling|shouted|shouts"
    r"|shouting|screamed|screams|screaming|cried|sobbed|whispered|asked|asks|replied|replies|answered|muttered|snapped"
    r"|typed|posted|saying|goes|went\s+like)\b"
    r"|\bsent\s+(?:me|us|him|her)?\s*(?:a\s+|this\s+|the\s+)?(?:text|message|voice\s+note|dm|email)(?:\s+(?:that\s+)?(?:said|saying"
    r"|read|reading|went))?"
    r"|\b(?:sagte|sagt|meinte|meint|schrieb|schreibt|rief|schrie|schreit|brullte|gesagt|geschrieben|geschrien|gerufen)\b"
    r"|\b(?:a\s+dit|dit|disait|a\s+ecrit|ecrit|ecrivait|a\s+crie|criait|crie|hurlait|a\s+hurle|ma\s+dit|ma\s+ecrit|ma\s+envoye)\b"
    r"|\b(?:dijo|dice|decia|escribio|grito|gritaba|me\s+mando|mando|me\s+escribio|puso)\b"
)
# Speech verbs that can only be someone else's, with the subject left out.
THIRD_PERSON_SPEECH = compile_pattern(
    r"dijo|dice|decia|escribio|grito|gritaba|me\s+mando|mando|me\s+escribio|a\s+dit|disait|a\s+ecrit|ecrivait|a\s+crie|criait"
    r"|hurlait|a\s+hurle|ma\s+dit|ma\s+ecrit|ma\s+envoye"
)
WRITER_SPEAKERS = frozenset(
    ["i", "im", "ive", "id", "we", "ich", "wir", "je", "jai", "nous", "yo", "nosotros"]
)
OTHER_SPEAKERS = frozenset(
    [
        "he",
        "she",
        "they",
        "hes",
        "shes",
        "er",
        "sie",
        "il",
        "elle",
        "ils",
        "elles",
        "el",
        "ella",
        "ellos",
    ]
)

# --- past frames: a story told in the past stays past until the text comes back to now -------
# A sentence with one of these is about the present (or the recent past), so it closes a past
# frame and, even next to a past cue, does not open one.
PRESENT = _any(
    r"\b(?:now|nowadays|currently|these\s+days|at\s+the\s+moment|at\s+present|lately|recently|any\s*more|again)\b",
    r"\b(?:today|tonight|yesterday|this\s+(?:morning|afternoon|evening|week|weekend|month|year)|the\s+other\s+(?:day|night)"
    r"|last\s+(?:night|week|weekend|month|year|spring|summer|autumn|fall|winter|christmas|time|few\s+\w+|couple\s+of\s+\w+))\b",
    r"\b(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b",
    r"\b(?:he|she|they|hes|shes|theyre|we|were)\s+(?:\w+\s+)?still\b|\bstill\s+(?:together|married|with\s+(?:him|her|them)"
    r"|lives?\s+with|living\s+with)\b",
    # The other person in the present tense: "he is", "she keeps", "he never raises his voice".
    r"\b(?:hes|shes|theyre)\b|\b(?:he|she)\s+(?:(?:always|still|now|also|even|constantly|never|often|sometimes|usually|just)\s+)?"
    r"(?!(?:was|his|thus|always|sometimes|perhaps|as|its|this|us|yes|less|unless|towards?)\b)[a-z]+s\b"
    r"|\bthey\s+(?:are|keep|still|always)\b",
    r"\b(?:jetzt|heute|inzwischen|mittlerweile|momentan|zurzeit|derzeit|neulich|kurzlich|gestern|wieder|diese\s+woche"
    r"|letzte\s+(?:woche|nacht)|letzten\s+(?:monat|sonntag|samstag|freitag)|immer\s+noch|noch\s+immer)\b",
    r"\b(?:maintenant|aujourdhui|actuellement|en\s+ce\s+moment|ces\s+temps-ci|ces\s+jours-ci|dernierement|recemment|hier"
    r"|cette\s+semaine|la\s+semaine\s+(?:derniere|passee)|le\s+mois\s+(?:dernier|passe)|encore|de\s+nouveau)\b",
    r"\b(?:ahora|hoy|actualmente|ultimamente|recientemente|ayer|anoche|esta\s+semana|la\s+semana\s+pasada|el\s+mes\s+pasado"
    r"|todavia|sigue|siguen|otra\s+vez|de\s+nuevo|estos\s+dias)\b",
)
# More past cues that open a frame (besides PAST): a partner's life before the writer, a
# parent's upbringing, a letter to one's younger self.
PAST_OPENERS = _any(
    r"\bbefore\s+(?:me|us|we\s+met|i\s+met\s+(?:him|her))\b|\b(?:raised|brought\s+up)\s+(?:me|us)\b|\bmy\s+childhood\b",
    r"\b(?:his|her)\s+(?:ex|first\s+(?:husband|wife|marriage))\b|\bwas\s+(?:first\s+)?married\s+(?:first\s+)?(?:in|to|before)\b",
    r"\bdear\s+(?:\d+|\w+teen)[- ]?(?:year[- ]old\s+)?(?:me|self)\b|\b(?:my\s+)?younger\s+(?:me|self)\b",
)
# A letter to one's younger self is told to the past throughout, its "right now" included.
LETTER_TO_PAST_SELF = compile_pattern(
    r"^\W*(?:dear|to|hey|hi)\s+(?:\d+|\w+teen|little|young|younger)[- ]?(?:year[- ]old\s+)?(?:me|self)\b"
    r"|\bletter\s+to\s+(?:my\s+)?(?:younger|\d+[- ]year[- ]old|teenage|past)\s+(?:me|self)\b"
)
# The relationship or household where it happened is over: left, divorced, no contact, died.
ENDED = _any(
    r"\bi\s+(?:finally\s+|eventually\s+)?left\s+(?:him|her|them|when|in|after|for\s+good|that\s+(?:house|relationship|marriage))\b"
    r"|\bi\s+(?:finally\s+|eventually\s+)?(?:got\s+out|escaped|moved\s+out|ran\s+away)\b|\b(?:he|she)\s+left\s+(?:him|her)\b",
    r"\b(?:we|they)\s+(?:split|broke\s+up|separated|divorced)\b|\bdivorce[ds]?\s+(?:in|him|her|after)\b"
    r"|\bthen\s+divorce\b|\b(?:got|finali[sz]ed)\s+(?:a\s+|the\s+|our\s+)?divorce\b",
    r"\bno\s+contact\b|\b(?:not|never|havent|hasnt|no\s+longer)\s+(?:\w+\s+)?(?:heard\s+from|seen|spoken\s+to|talked\s+to)\s+(?:him|her|them)\b"
    r"|\bnever\s+(?:saw|see|seen)\s+(?:him|her|them)\s+again\b|\bblocked\s+(?:him|her|them)\b",
    r"\b(?:he|she|they)\s+(?:\w+\s+){0,6}?(?:died|passed\s+away)\b|\bfuneral\b|\b(?:he|she)\s+(?:moved\s+away|went\s+to\s+(?:prison|jail))\b",
    r"\bwent\s+to\s+live\s+with\b|\bgot\s+me\s+out\b|\btook\s+me\s+(?:home|away)\b|\b(?:went|fled|ran)\s+to\s+(?:a|the)\s+(?:\w+\s+)?"
    r"(?:refuge|shelter)\b",
    r"\b(?:im|i\s+am)\s+(?:[2-9]\d|thirty|forty|fifty|sixty|seventy|eighty)\w*\s+now\b|\bdidnt\s+(?:speak|talk)\s+to\s+(?:\w+\s+){1,3}"
    r"(?:for|in)\s+years\b",
    r"\bich\s+(?:bin|habe|hab)\s+(?:\w+\s+)?(?:ausgezogen|gegangen|abgehauen|geflohen)\b|\bich\s+hab\w*\s+(?:ihn|sie)\s+verlassen\b"
    r"|\bkein(?:en)?\s+kontakt\b|\bgeschieden\b|\b(?:er|sie)\s+ist\s+(?:\w+\s+)?gestorben\b",
    r"\bje\s+(?:lai|lavais)\s+quitte\b|\bje\s+suis\s+partie?\b|\b(?:plus|aucun)\s+(?:de\s+)?contact\b|\bdivorce[es]*\b"
    r"|\bje\s+(?:ne\s+)?(?:lai|les)\s+(?:jamais\s+)?revue?s?\b|\ba\s+demenage\b|\best\s+mort\b",
    r"\b(?:lo|la)\s+deje\b|\bme\s+fui\b|\bsin\s+contacto\b|\bno\s+(?:lo|la)\s+(?:he\s+)?(?:vuelto|volvi)\s+a\s+ver\b|\bdivorci\w*"
    r"|\bnos\s+separamos\b|\bmurio\b",
)
# Still with the person who did it: past violence by the current partner is never capped.
STILL_TOGETHER = _any(
    r"\b(?:were|we\s+are|we\s+re)\s+still\s+(?:together|married|a\s+couple|living\s+together)\b"
    r"|\bstill\s+(?:with|married\s+to|living\s+with)\s+(?:him|her|them)\b|\bwe\s+stayed\s+together\b"
    r"|\bi\s+(?:went|came)\s+back\s+to\s+(?:him|her)\b|\bi\s+took\s+(?:him|her)\s+back\b"
    r"|\bwe\s+(?:are|re|were)?\s*(?:working|worked)\s+(?:through|on)\s+(?:it|this|that)\b",
    r"\bwir\s+sind\s+(?:immer\s+)?noch\s+(?:zusammen|verheiratet)\b|\bimmer\s+noch\s+mit\s+(?:ihm|ihr)\s+zusammen\b",
    r"\b(?:on\s+est|nous\s+sommes)\s+(?:toujours|encore)\s+ensemble\b|\bje\s+suis\s+(?:toujours|encore)\s+avec\s+(?:lui|elle)\b",
    r"\b(?:seguimos|todavia\s+estamos|aun\s+estamos)\s+(?:juntos|casados)\b|\bsigo\s+con\s+(?:el|ella)\b",
)

# --- sport, training and play: consented contact, not violence ------------------------------
SPORT = _any(
    r"\b(?:boxing|kick-?boxing|sparring|spar|sparred|martial\s+arts?|krav\s*maga|judo|jiu-?jitsu|jujitsu|bj{2}|karate"
    r"|taekwondo|tae\s+kwon\s+do|aikido|kung\s*fu|muay\s+thai|m{2}a|grappling|dojo|fencing|self-?defen[cs]e\s+(?:class\w*"
    r"|course|workshop|lessons?|training|session)|wrestling\s+(?:class|practice|match|team|club|training)|tapped\s+out"
    r"|tap\s+out|on\s+the\s+mats?|(?:at|in|during)\s+(?:training|practice))\b",
    r"\b(?:boxen|boxtraining|kampfsport\w*|judo\w*|karate\w*|selbstverteidigung\w*|kickbox\w*|beim\s+training|im\s+training)\b",
    r"\b(?:boxe|krav\s*maga|judo|karate|arts?\s+martiaux|autodefense|self-?defense|a\s+l\s*entrainement|lutte)\b",
    r"\b(?:boxeo|artes\s+marciales|defensa\s+personal|autodefensa|judo|karate|en\s+el\s+entrenamiento)\b",
)
# Sport with someone, as sport: together, a class or a partner drill, the mat, a coach, a
# match, pride or a laugh ("krav maga class with my girlfriend ... very proud of her").
SPORT_TOGETHER = _any(
    r"\b(?:together|with\s+me|with\s+my\s+(?:wife|husband|partner|boyfriend|girlfriend|fiancee?|sister|brother|friend|mate"
    r"|son|daughter|kids)|we\s+(?:both|were|are|do|did|go|went|started|spar\w*)|partner\s+drills?|class\s+with|tapped\s+out"
    r"|tap\s+out|instructor|sensei|the\s+mats?|gloves|pads|headgear|helmet|round|bout|grading|demo|proud|laughed|laughing"
    r"|thrilled|lol|haha)\b",
    r"\b(?:zusammen|gemeinsam|trainer\w*|matte|handschuhe|stolz|gelacht|runde)\b",
    r"\b(?:ensemble|prof|entraineur|tapis|gants|casque|fiere?|ri|round)\b",
    r"\b(?:juntos|juntas|profe|profesor\w*|entrenador\w*|colchoneta|guantes|orgullos[oa]|reimos|ensenarme)\b",
)
PLAY = _any(
    r"\b(?:play-?fight\w*|play\s+fight\w*|rough-?hous\w*|horsing\s+around|horseplay|messing\s+around|mucking\s+about"
    r"|wrestl\w*|pillow\s+fight\w*|tickle\s+fight\w*|play(?:ing)?\s+(?:tag|wrestling|ninjas?|superheroes|fighting|fight)"
    r"|headlocks?|(?:pretend|fake)\s+(?:fight\w*|strangl\w*|chok\w*))\b",
    r"\b(?:raufen|rauferei|toben|gerangel|ringkampf)\b|\bse\s+bagarr\w*\s+pour\s+(?:rire|jouer)\b|\bchamaill\w*"
    r"|\bluchitas\b|\bjugando\s+a\s+(?:pelear|luchar)\b",
)
SIBLINGS = _any(
    r"\b(?:brothers|sisters|siblings|twins|cousins|the\s+boys|the\s+girls|the\s+kids|our\s+kids|my\s+kids"
    r"|(?:my|our|the)\s+(?:(?:two|2|three|3)\s+)?(?:boys|girls|kids|sons|daughters|lads)|(?:his|her)\s+(?:little\s+|big\s+|older\s+"
    r"|younger\s+)?(?:brother|sister)|aged?\s+\d+\s+and\s+\d+|\d{1,2}\s+and\s+\d{1,2})\b",
    r"\b(?:bruder|brueder|bruder|geschwister|jungs)\b|\b(?:freres|soeurs|les\s+garcons|les\s+enfants)\b"
    r"|\b(?:hermanos|hermanas|los\s+ninos|los\s+chicos)\b",
)
# An adult in the scene makes it not children's play: "my husband had him in a headlock".
ADULT_ACTOR = compile_pattern(
    r"\b(?:husband|wife|partner|boyfriend|girlfriend|dad|father|daddy|stepdad|stepfather|mum|mom|mother|stepmom"
    r"|uncle|grandpa|mann|vater|stiefvater|mari|pere|beau-pere|marido|padre|padrastro|novio)\b"
)
# Signs the contact was not consented play: anger, a fight, a "no", a denial, fear.
NOT_PLAY = _any(
    r"\b(?:on\s+purpose|angry|furious|rage|raging|mad\s+at|lost\s+(?:his|her)\s+temper|lost\s+it|came\s+home|got\s+home"
    r"|(?:came|got)\s+back|cancel\w*|passed\s+out|blacked\s+out|(?:after|during|in)\s+(?:a|an|the|our)\s+"
    r"(?:fight|argument|row)|when\s+i\s+(?:said|told\s+(?:him|her))\s+(?:no|stop|to\s+stop)|wouldnt\s+(?:stop|let\s+go)"
    r"|didnt\s+stop|against\s+my\s+will|we\s+werent|it\s+wasnt|wasnt\s+(?:playing|a\s+game|training|an\s+accident)"
    r"|(?:claims?|says|said|insists?|insisted)\s+(?:it\s+was|we\s+were|(?:he|she)\s+was)|scared|terrified|afraid|punish\w*)\b",
    r"\b(?:absichtlich|wutend|wuetend|im\s+streit|angst)\b|\b(?:expres|en\s+colere|pendant\s+une\s+dispute|peur)\b"
    r"|\b(?:a\s+proposito|enojado|furioso|en\s+una\s+pelea|miedo)\b",
)

# --- hopelessness about the couple or the job, not about living -----------------------------
ABOUT_RELATIONSHIP = _any(
    r"\b(?:row|rows|fight|fights|fought|argument|arguments|arguing|argued|break\s*up|broke\s+up|breakup|divorce|separat\w+"
    r"|split\s+up|marriage|relationship|give\s+up\s+on\s+(?:us|this|him|her)|(?:just|should|to)\s+give\s+up|starting\s+over"
    r"|start\s+over|about\s+us|on\s+us|couples?\s+(?:therapy|counsel\w*)|job|boss|career|fired|laid\s+off|redundan\w*"
    r"|exams?|thesis|rent|debt|mortgage)\b",
    r"\b(?:streit|gestritten|trennung|scheidung|beziehung|ehe|job|arbeit|chef|chefin|kundigung)\b",
    r"\b(?:dispute|disputes|engueul\w*|rupture|separation|divorce|couple|relation|boulot|travail|patron)\b",
    r"\b(?:pelea|peleas|discusion|discutimos|ruptura|separacion|divorcio|relacion|trabajo|jefe)\b",
)
ABOUT_LIVING = _any(
    r"\b(?:life|living|alive|(?:to|wanna|rather|could|just|i|would|should|gonna)\s+die|dying|dead|death|exist\w*|wake\s+up|be\s+here|end\s+it|no\s+way\s+out|kill|suicid\w*"
    r"|disappear|anything)\b",
    r"\b(?:leben|sterben|tot|aufwachen)\b|\b(?:vie|vivre|mourir|mort|disparaitre)\b|\b(?:vida|vivir|morir|muerte|desaparecer)\b",
)
# The tools of self-injury: named near cutting they are how the injury was done, not a means
# of suicide ("cut myself last night. used his razor").
INJURY_TOOLS = compile_pattern(
    r"\b(?:razors?|blades?|knife|knives|scissors|glass|needles?|pins?|lighter|rasierklingen?|klingen?|messer|lames?|rasoir"
    r"|couteau|navaja|cuchillas?|cuchillo)\b"
)
