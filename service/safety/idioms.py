"""Figures of speech that look like danger words but are not ("this commute is killing me").

A rule match that overlaps one of these spans is dropped. Jokes that need a laugh marker plus
a trivial object ("I could kill him for eating my fries lol") are handled in ``context``.
"""

from __future__ import annotations

import re

from service.safety.rule import compile_pattern

_AUTHORITY_EN = (
    r"boss|mom|mum|mother|dad|father|teacher|coach|manager|sister|brother|grandma|professor"
    r"|landlord|trainer|editor|in-?laws|mother-?in-?law|team|wedding\s+planner|accountant"
)

_GAMES = (
    r"fortnite|call\s+of\s+duty|cod|warzone|elden\s+ring|dark\s+souls|minecraft|valorant|overwatch|apex"
    r"|halo|mario\s*kart|smash\s+bros|gta|among\s+us|pubg|league\s+of\s+legends|counter-?strike|roblox"
    r"|tekken|street\s+fighter|mortal\s+kombat|destiny|diablo|video\s*games?|videojuegos?|jeux?\s+video"
    r"|computerspiel|zocken|gezockt|respawn\w*|rematch|revancha|revanche|headshot"
)
_KILL_VERBS = r"killed|kills|killing|shot|shoots|sniped|murdered|me\s+mato|me\s+mata|mas?\s+tue|abgeschossen|getoe?tet"

IDIOMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, compile_pattern(pattern))
    for name, pattern in (
        # --- English ---
        ("en.killing_it", r"\bkilling\s+it\b|\bkill(?:ing|ed)?\s+(?:some\s+)?time\b|\bkiller\b"),
        ("en.kill_for", r"\b(?:would|could|i?d)\s+kill\s+for\b|\bkill\s+for\s+(?:a|some)\b"),
        ("en.dying_to", r"\bdying\s+(?:to|for)\b|\bto\s+die\s+for\b"),
        (
            "en.die_of",
            r"\b(?:die|died|dying|dead)\s+(?:of|from|with)\s+(?:laughter|laughing|embarrassment"
            r"|boredom|cringe|shame|heat|hunger|curiosity|envy|jealousy|cuteness)\b"
            r"|\b(?:almost|nearly|literally)\s+died\s+(?:laughing|of)\b",
        ),
        ("en.dead_tired", r"\bdead\s+(?:tired|on\s+my\s+feet|serious)\b|\bbored\s+to\s+death\b"),
        ("en.dead_body", r"\bover\s+my\s+dead\s+body\b|\bdrop\s+dead\b|\bdeadline"),
        (
            "en.authority_kills",
            rf"\b(?:my|the|our)\s+(?:{_AUTHORITY_EN})\s+(?:\w+\s+){{0,3}}?(?:kill|murder)s?\s+me\b"
            rf"|\b(?:my|the|our)\s+(?:{_AUTHORITY_EN})\s+is\s+(?:\w+\s+)?killing\s+me\b",
        ),
        (
            "en.thing_killing_me",
            r"\b(?:this|that|it|its|these|those|work|traffic|(?:the|my)\s+(?:back|feet|head|job|knees"
            r"|neck|commute|stomach|hangover|shoes|legs|eyes|heat|weather|suspense|wait|waiting"
            r"|cramps|allergies|migraine|boss|kids|baby)|(?!(?:hes|shes|theyre|he|she|they|is|was|has|as|us)\b)\w+s)"
            r"\s+(?:is\s+|are\s+|was\s+)?(?:literally\s+|actually\s+|slowly\s+|honestly\s+)?killing\s+me\b",
        ),
        (
            "en.kill_myself_laughing",
            r"\bkill(?:ing|ed)?\s+(?:my|our|him|her)sel(?:f|ves)\s+laughing\b",
        ),
        (
            "en.harmless_throw",
            r"\b(?:threw|throws|throwing|thrown|chucked|tossed)\s+(?:a|his|her|the|some|my)?\s*(?:pillows?|cushions?"
            r"|socks?|snowballs?|balls?|water|confetti|popcorn|grapes|paper\s+balls?|teddy|plushie|towel)\s+at\s+me\b",
        ),
        (
            "en.sport_bruises",
            r"\bbruis\w*\s+(?:on\s+(?:her|his|my|their)\s+\w+\s+)?from\s+(?:\w+\s+){0,2}?(?:shots|paintball|game|match"
            r"|training|practice|gym|workout|climbing|falling|fell|playground|trampoline|sports|tackle|scooter"
            r"|hike|hiking|bike|football|rugby|hockey|soccer|volleyball|boxing|sparring|class|yoga|dancing)\b"
            r"|\b(?:paintball|rugby|hockey|boxing|sparring|laser\s+tag|airsoft|bouldering)\b[^.!?\n]{0,60}?\bbruis\w*",
        ),
        (
            "en.work_case",
            r"\boverdos\w*\s+(?:case|patient|call|victim|death|crisis|epidemic|awareness|training|prevention)s?\b"
            r"|\b(?:patient|client|resident)s?\s+(?:\w+\s+){0,3}?overdos\w*",
        ),
        (
            "en.care_keys",
            r"\b(?:took|takes|hid|hides|kept|keeps)\s+my\s+(?:car\s+)?keys\b[^.!?\n]{0,40}?\b(?:because|since|as|so)\s+"
            r"(?:i(?:d|ve)?\b[^.!?\n]{0,30}?\b(?:drunk|drinking|drinks|wine|beers?|tipsy|shots|high|sleepy|exhausted)"
            r"|(?:i\s+)?(?:was|were|am|had\s+been)\s+(?:drunk|drinking|too\s+tired))",
        ),
        (
            "en.mutual_tracking",
            r"\b(?:track|tracks|see|sees|share|shares|follow)\s+(?:my|our)\s+(?:\w+\s+)?locations?\b(?=[^\n]{0,160}?"
            r"\b(?:i\s+(?:track|see|share|have|follow)\s+(?:hers|his|theirs)(?:\s+too)?|we\s+both|each\s+other|mutual))"
            r"|\bwe\s+(?:both\s+)?(?:share|track|see)\s+(?:each\s+others?\s+|our\s+)?locations?\b",
        ),
        (
            "en.medical_orders",
            r"\b(?:doctor|doctors|dr|dietitian|physio|surgeon|nurse|midwife|coach|trainer)\b[^.!?\n]{0,60}?"
            r"\bnot\s+allowed\s+to\b|\bnot\s+allowed\s+to\b[^.!?\n]{0,60}?\b(?:doctor|doctors|dr|dietitian|physio"
            r"|surgeon|midwife|according\s+to|after\s+(?:my|the)\s+(?:surgery|operation|c-section))\b",
        ),
        (
            "en.read_aloud",
            r"\breads?\s+my\s+(?:texts|messages|emails|poems|diary)[\s.,]+(?:out\s+loud|aloud)\b",
        ),
        ("en.youre_killing_me", r"\byou(?:re|\s+are)\s+killing\s+me\b|\bkill\s+me\s+now\b"),
        ("en.shoot_me", r"\b(?:just\s+)?shoot\s+me\s+now\b|\bjust\s+shoot\s+me\b"),
        (
            "en.it_hit_me",
            r"\b(?:it|that|this|reality|realization|grief|everything|suddenly|then\s+it"
            r"|the\s+(?:realization|thought|idea|news|truth|grief|sadness|loneliness|wave|smell"
            r"|exhaustion|tiredness))\s+(?:just\s+|really\s+|suddenly\s+|finally\s+|kind\s+of\s+)?"
            r"(?:hit|hits)\s+me\b",
        ),
        ("en.hit_up", r"\bhit\s+(?:me|him|her|them|us)\s+(?:up|back)\b"),
        (
            "en.hit_with",
            r"\bhit\s+me\s+with\s+(?:that|the|a|his|her)\s+(?:look|line|excuse|joke|pun|news|question|truth|classic)\b",
        ),
        (
            "en.beat_at",
            r"\bbeat\w*\s+(?:me|him|her|them|us)\s+(?:at|in|to)\b|(?:^|[.!?]\s*|\b(?:it|that|what|why|how)\s+)beats\s+me\b",
        ),
        (
            "en.push_to",
            r"\bpush(?:ed|es|ing)?\s+(?:me|him|her)\s+(?:away|too\s+far|out\s+of\s+my\s+comfort\s+zone"
            r"|to\s+(?:be|do|go|try|grow|apply|open|talk|improve|get|see|work|change|study|exercise"
            r"|the\s+limit|my\s+limits?)|into\s+(?:therapy|it|doing|trying|going|this))\b",
        ),
        (
            "en.shook_me",
            r"\b(?:it|that|this|the\s+news|the\s+movie)\s+(?:really\s+)?shook\s+me\b|\bshook\s+me\s+up\b",
        ),
        (
            "en.threw_me",
            r"\bthrew\s+me\s+(?:a|off|under\s+the\s+bus|for\s+a\s+loop)\b|\bthrew\s+(?:a\s+)?(?:fit|tantrum|shade)\b",
        ),
        (
            "en.dragged_me_to",
            r"\bdragg?ed\s+me\s+(?:along\s+)?(?:to|into)\s+(?:a|the|his|her|this|another)\s+(?:\w+\s+)?"
            r"(?:party|concert|store|shop|mall|meeting|dinner|wedding|game|church|event|movie|museum"
            r"|hike|ikea|gym|thing)\b",
        ),
        ("en.twisted_arm", r"\btwist(?:ed|s)?\s+my\s+arm\s+(?:into|to)\b"),
        (
            "en.animal_bit",
            r"\b(?:dog|cat|puppy|kitten|mosquito|bug|spider|snake|horse|bee|wasp|baby|toddler|hamster"
            r"|parrot)\s+(?:\w+\s+)?(?:bit|bites|scratched|scratches|kicked|kicks|hit|hits)\s+me\b",
        ),
        (
            "en.accident",
            r"\bcut\s+myself\s+(?:shaving|chopping|cooking|slicing|while\s+cooking|on\s+(?:a|the|some)"
            r"\s+(?:paper|glass|can)|by\s+accident|accidentally|opening)\b"
            r"|\baccidentally\s+(?:cut|hurt|burn(?:ed|t)?)\s+myself\b"
            r"|\bhurt\s+myself\s+(?:at\s+the\s+gym|running|lifting|playing|skiing|working\s+out|falling"
            r"|at\s+work|at\s+practice|on\s+the\s+stairs)\b|\b(?:fell|tripped)\s+and\s+hurt\s+myself\b"
            r"|\bburn(?:ed|t)\s+myself\s+(?:cooking|on\s+the|with\s+the\s+(?:iron|stove|oven|pan))\b",
        ),
        (
            "en.end_relationship",
            r"\b(?:end|ended|ending)\s+(?:it|things)\s+(?:with|between)\b"
            r"|\bwe\s+(?:\w+\s+){0,3}end(?:ed|ing)?\s+(?:it|things)\b"
            r"|\b(?:fight|argument|argued|relationship|marriage|engagement|break\s*up|divorce)\b[^.!?\n]{0,60}?"
            r"\bend(?:ed|ing)?\s+(?:it|things)\b(?!\s+all)",
        ),
        (
            "en.storage",
            # Where something is kept is not control: "she keeps my ID in her purse".
            r"\b(?:keeps?|kept|has|holds?|carries|puts?)\s+my\s+(?:\w+\s+){1,2}?in\s+(?:her|his|their|the|our)\s+"
            r"(?:purse|handbag|bag|wallet|safe|drawer|glove\s*box|pocket|backpack|rucksack|locker|desk)\b"
            r"(?![^.!?\n]{0,60}\b(?:so\s+(?:that\s+)?i\s+(?:cant|cannot|can\s+not|couldnt)|wont|refuses|without"
            r"|from\s+me|locked))",
        ),
        (
            "en.phone_for",
            r"\b(?:checked|check|checks|checking|looked\s+at|looks\s+at|used|uses|borrowed|borrows)\s+my\s+phone\s+"
            r"(?:for|to\s+(?:check|see|get|find))\s+(?:the\s+)?(?:weather|time|directions|maps?|score|news|recipe"
            r"|address|route|forecast|battery|a\s+(?:recipe|number|photo|map))\b",
        ),
        (
            "en.follows_like",
            r"\bfollows?\s+me\s+(?:\w+\s+){0,2}?like\s+a\s+(?:lost\s+|little\s+)?(?:puppy|shadow|dog|duckling)\b"
            r"|\b(?:dog|cat|puppy|kitten|toddler|baby|kids?|son|daughter)\s+follows\s+me\s+(?:around|everywhere)\b"
            r"|\bfollows?\s+me\s+(?:on|back\s+on)\s+(?:instagram|insta|twitter|tiktok|social\s+media)\b",
        ),
        (
            "en.their_accident",
            # The partner's own mishap, told in the third person: "he walked into a door, black eye".
            r"\b(?:he|she|hes|shes|my\s+(?:husband|wife|partner|boyfriend|girlfriend|son|daughter|brother|sister))\s+"
            r"(?:\w+\s+)?(?:walked|ran|bumped|fell|tripped|slipped|crashed)\s+(?:into|over|on|off|down)\b[^.!?\n]{0,60}?"
            r"\b(?:black\s+eye|bruises?|bruised)\b",
        ),
        (
            "en.awareness",
            r"\b(?:suicide|self[- ]harm|domestic\s+violence|overdose|abuse)\s+(?:prevention|awareness|hotline|helpline"
            r"|charity|walk|run|fundraiser|training|course|statistics|research|survivors?\s+(?:group|walk))\b"
            r"|\b(?:work|volunteer\w*|job)\s+(?:at|in|for)\s+(?:a|the)\s+(?:womens?\s+)?(?:shelter|refuge|crisis\s+line)\b"
            r"|\bsuizidpra(?:e)?vention\b|\bprevention\s+du\s+suicide\b|\bprevencion\s+del\s+suicidio\b",
        ),
        (
            "en.martial_arts",
            r"\b(?:krav\s+maga|bjj|jiu[- ]?jitsu|judo|wrestling|mma|martial\s+arts?|sparring|self[- ]defen[cs]e|grappling)\b"
            r"[^.!?\n]{0,80}?\b(?:choke\s*hold|headlock|choked|pinned|tapped\s+out)\b"
            r"|\b(?:choke\s*hold|headlock)\b[^.!?\n]{0,60}?\btapped\s+out\b",
        ),
        (
            "en.bereavement",
            # Someone who died is grief, not the writer's own risk: "her son died by suicide".
            r"\b(?:died|death|dead|lost\s+(?:\w+\s+){1,3}?to)\s+(?:by\s+|of\s+|from\s+|to\s+)?suicide\b",
        ),
        (
            "en.gaming",
            # Deaths counted or set in a game: "he killed me five times in Fortnite", "me mató en el Fortnite".
            rf"\b(?:{_KILL_VERBS})\b[^.!?\n]{{0,40}}?\b(?:{_GAMES})\b|\b(?:{_GAMES})\b[^.!?\n]{{0,40}}?\b(?:{_KILL_VERBS})\b"
            rf"|\b(?:{_KILL_VERBS})\s+(?:\w+\s+)?(?:\d+|two|three|four|five|six|ten|dos|tres|cuatro|cinco|seis|diez"
            r"|deux|trois|quatre|cinq|dix|zwei|drei|vier|funf|zehn)\s+(?:times|veces|fois|mal)\b",
        ),
        # --- German ---
        (
            "de.liest_vor",
            r"\bliest\s+(?:mir\s+)?(?:\w+\s+){0,4}?vor\b",
        ),
        (
            "de.bringt_mich_um",
            r"\b(?:das|es|die\s+\w+|der\s+\w+|diese[rs]?\s+\w+|mein\s+(?:chef|job|rucken|ruecken|kopf|vater"
            r"|papa|lehrer)|meine\s+(?:chefin|arbeit|mutter|mama|lehrerin))\s+(?:\w+\s+){0,2}?"
            r"(?:bringt|wird)\s+mich\s+(?:\w+\s+){0,2}?um(?:bringen)?\b",
        ),
        (
            "de.sterbe_vor",
            r"\b(?:sterbe|sterben|gestorben)\s+vor\s+(?:lachen|hunger|langeweile|hitze|scham|neugier|durst|kalte)\b"
            r"|\btotlachen\b|\btodmude\b|\bzum\s+sterben\s+(?:langweilig|schon|gern)\b|\bzeit\s+totschlagen\b",
        ),
        # --- French ---
        (
            "fr.ca_me_tue",
            r"\b(?:ca|cela|ce\s+(?:boulot|travail|trajet|job)|cette\s+(?:chaleur|semaine|journee)|mon\s+(?:patron"
            r"|boss|chef|pere|prof|dos|travail|boulot)|ma\s+(?:mere|patronne|cheffe|prof)|le\s+(?:boulot"
            r"|travail|trajet))\s+(?:\w+\s+){0,2}?(?:me\s+)?(?:tue|tuer|tuent)\b|\btu\s+me\s+tues\b",
        ),
        (
            "fr.mourir_de",
            r"\b(?:meurs|mourir|mort[e]?|crever)\s+de\s+(?:faim|rire|envie|chaud|froid|honte|fatigue|ennui|soif)\b"
            r"|\bmeurs\s+denvie\b|\btuer\s+le\s+temps\b",
        ),
        (
            "fr.borrow_and_follow",
            r"\bpris\s+mon\s+(?:telephone|portable|tel)\s+pour\s+(?:appeler|regarder|chercher|prendre|faire|envoyer"
            r"|lire|voir|mettre)\b|\bme\s+suit\s+(?:\w+\s+){0,2}?comme\s+(?:un|une|mon)\s+(?:petit\s+)?(?:chien|chiot"
            r"|toutou|ombre)\b|\bme\s+suit\s+sur\s+(?:insta|instagram|twitter|tiktok)\b",
        ),
        ("fr.sur_les_nerfs", r"\btape\w*\s+sur\s+les\s+nerfs\b|\bme\s+pousse\w*\s+a\b"),
        # --- Spanish ---
        (
            "es.me_muero_de",
            r"\bme\s+muero\s+(?:de|por)\s+(?:hambre|risa|ganas|sueno|calor|verguenza|frio|sed|aburrimiento"
            r"|ver\w*|conocer\w*|ir)\b|\bmuert[oa]s?\s+de\s+(?:risa|hambre|cansancio|sueno|verguenza|frio|calor)\b",
        ),
        (
            "es.me_mata",
            r"\b(?:el|la|este|esta|mi)\s+(?:trabajo|calor|jefe|jefa|mama|madre|papa|padre|profe|espalda|cabeza"
            r"|trafico)\s+(?:\w+\s+){0,3}?(?:me\s+)?(?:mata|matar|matara|matando)\b|\bme\s+matas\b|\bmatar\s+el\s+tiempo\b"
            r"|\bme\s+mato\s+(?:trabajando|estudiando|a\s+trabajar)\b|\bme\s+corto\s+el\s+pelo\b",
        ),
        (
            "es.storage_and_follow",
            r"\bguarda\w*\s+(?:mi|mis)\s+\w+\s+en\s+(?:la|el|su)\s+(?:caja\s+fuerte|bolso|cartera|mochila|cajon)\b"
            r"|\bme\s+sigue\s+en\s+(?:insta|instagram|twitter|tiktok|redes)\b",
        ),
        ("es.me_empuja", r"\bme\s+empuj\w*\s+a\s+(?:ser|hacer|mejorar|seguir|estudiar|intentar)\b"),
    )
)


def idiom_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of normalised text covered by a figure of speech."""
    return tuple((m.start(), m.end()) for _, pat in IDIOMS for m in pat.finditer(text))
