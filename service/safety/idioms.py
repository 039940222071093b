"""Figures of speech that look like danger words but are not ("this commute is killing me").

A rule match that overlaps one of these spans is dropped. Jokes that need a laugh marker plus
a trivial object ("I could kill him for eating my fries lol") are handled in ``context``.
"""

from __future__ import annotations

import re

from service.safety.rule import compile_pattern

_AUTHORITY_EN = (
    r"boss|mom|mum|mother|dad|father|teacher|coach|manager|sister|brother|grandma|gran|nan|auntie|aunt|professor"
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
        (
            "en.going_to_die",
            # Fear or hyperbole, not a wish: "I thought I was going to die", "we're going to die here",
            # "I'm going to die trying", "so hungover I want to die".
            r"\b(?:we|were|we\s+are|we\s+were|i\s+was|thought\s+i\s+was|thought\s+we\s+were|convinced\s+(?:i|we)\s+(?:was|were)"
            r"|sure\s+(?:i|we)\s+(?:was|were)|that\s+i\s+was)\s+(?:all\s+)?going\s+to\s+die\b|\bdie\s+trying\b"
            r"|\b(?:hungover|hangover|embarrass\w*|mortified|cringe\w*|stuffed|so\s+full)\b[^.!?\n]{0,25}?\b(?:want|wanted)\s+to\s+"
            r"(?:just\s+)?die\b|\b(?:want|wanted)\s+to\s+(?:just\s+)?die\s+(?:of|from)\s+(?:embarrassment|shame|cringe)\b",
        ),
        (
            "en.trivial_if",
            # A kill threat hung on a trivial act: "says he'll kill me if I sell it", "I'll kill him if he
            # eats my fries". "If I leave", "if I tell anyone" are real threats and are not listed.
            r"\b(?:kill|murder|strangle)\s+(?:me|you|us|him|her)\s+if\s+(?:i|you|we|he|she|they)\s+(?:ever\s+)?(?:\w+\s+)?"
            r"(?:sell|sells|sold|eat|eats|ate|touch|touches|touched|spoil|spoils|spoiled|forget|forgets|forgot|lose|loses|lost"
            r"|break|breaks|broke|scratch|scratches|finish|finishes|finished|drink|drinks|drank|buy|buys|bought|move|moves|moved"
            r"|wear|wears|borrow|borrows|use|uses|used|dent|dents|burn|burns|burnt|skip|skips|miss|misses|missed|sing|sings"
            r"|leave\s+(?:the|his|her|my|dirty|wet|another)|get\s+(?:another|a)\s+(?:dog|cat|puppy|kitten|plant|tattoo))\b",
        ),
        (
            "en.trivial_consequence",
            # The partner "will kill me" over a bill, a dent or a spoiler: "she's going to kill me when
            # she sees the credit card bill", "my husband will kill me, I dented the car".
            r"\b(?:kill|murder)\s+(?:me|us)\b[^.!?\n]{0,12}?\b(?:when|once|if|as\s+soon\s+as)\s+(?:he|she|they|\w+)\s+(?:\w+\s+)?"
            r"(?:sees?|finds?\s+out|hears?|realis\w+|realiz\w+|notices?|gets?\s+the|knew|knows|found\s+out|saw|opens?)\b"
            r"[^.!?\n]{0,60}?\b(?:bill|receipt|price|cost|spent|paid|bought|ordered|broke|broken|dented|dent|scratch\w*|lost"
            r"|forgot|ate|drank|finished|mess|haircut|hair|tattoo|piercing|shoes|dress|bag|mug|plates?|vase|sofa|couch|carpet"
            r"|rug|paint|parcel|package|amazon|plants?|cake|leftovers|surprise|spoiler|score|result"
            r"|told\s+(?:his|her)\s+(?:mum|mom|mother|dad|sister|brother))\b"
            r"|\b(?:kill|murder)\s+(?:me|us)\s*,?\s+(?:i|we)\s+(?:just\s+)?(?:dented|broke|spent|lost|forgot|ate|scratched|burned"
            r"|burnt|bought|ordered|crashed|spilled|spilt|shrank|ruined|finished|drank)\b",
        ),
        (
            "en.kills_us_all",
            r"\b(?:heat|cold|weather|humidity|traffic|suspense|commute|prices?|rent|bills?|this\s+\w+|the\s+\w+)\s*(?:ll|\s+will"
            r"|\s+is\s+going\s+to|s\s+going\s+to)\s+kill\s+us\b",
        ),
        ("en.dead_body", r"\bover\s+my\s+dead\s+body\b|\bdrop\s+dead\b|\bdeadline"),
        (
            "en.authority_kills",
            rf"\b(?:my|the|our|your|his|her)\s+(?:{_AUTHORITY_EN})\s+(?:\w+\s+){{0,3}}?(?:kill|murder)s?\s+(?:me|us)\b"
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
            # Keys taken on a doctor's orders: "the doctor said clearly no driving until we review".
            "en.medical_keys",
            r"\b(?:took|takes|hid|hides|kept|keeps|confiscated|has\s+confiscated|taken)\s+(?:away\s+)?my\s+(?:car\s+)?keys\b"
            r"(?=[^\n]{0,300}?\b(?:no\s+driving|not\s+(?:allowed|supposed|meant)\s+to\s+drive|(?:shouldnt|cant|cannot|mustnt)\s+drive"
            r"|drowsy|seizures?|concussion|eyesight|doctor\s+(?:said|says))\b)",
        ),
        (
            # Police called to check on someone else: "I called 911 and they did a welfare check".
            "en.welfare_check",
            r"\bcalled\s+(?:the\s+(?:police|cops)|911|999|112)\b(?=[^.!?\n]{0,80}\b(?:welfare\s+check|check\s+on\s+(?:him|her|them)))",
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
        (
            "en.killing_me_with",
            # "he's killing me with the silent treatment": moods and words, not a weapon.
            r"\bkilling\s+me\s+with\s+(?:the|his|her|their|your|all\s+(?:the|his|her|this|these))\s+(?!(?:knife|gun|hammer|bat"
            r"|bare|fists?|hands?)\b)\w+",
        ),
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
            r"\bbeat\w*\s+(?:me|him|her|them|us)\s+(?:at|in|to)\b|(?:^|[.!?]\s*|\b(?:it|that|what|why|how)\s+)beats\s+me\b"
            # Games won: "she beat me four times", "he beat me three games straight", "beat him on her second try".
            r"|\bbeat\w*\s+(?:me|him|her|them|us)\s+(?:\w+\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twice|again)\s+"
            r"(?:times|games|rounds|matches|sets|in\s+a\s+row|straight|nil|-)"
            r"|\bbeat\w*\s+(?:me|him|her|them|us)\s+(?:\w+\s+){0,2}?(?:games?|rounds?|matches|straight)\b"
            r"|\bbeat\w*\s+(?:me|him|her|them|us)\s+on\s+(?:her|his|my|their|the|our)\s+(?:\w+\s+)?(?:try|attempt|go|turn)\b",
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
            r"|hike|ikea|gym|thing)\b"
            # Any outing ("my blockmates dragged me to Tagaytay"), but not into a room, a car or the floor.
            r"|\bdragg?ed\s+me\s+(?:along\s+|out\s+)?(?:to|into)\s+(?!(?:the|a|his|her|my|our|their)\s+(?:\w+\s+)?(?:car|bedroom"
            r"|floor|ground|bathroom|basement|room|van|truck|door|bed|garage|cellar|closet|shed|woods|kitchen)\b|bed\b)\w+"
            r"(?![^.!?\n]{0,40}\b(?:by\s+(?:my|the)\s+(?:hair|arm|neck|throat|collar)|kicking|screaming|against\s+my\s+will))",
        ),
        ("en.twisted_arm", r"\btwist(?:ed|s)?\s+my\s+arm\s+(?:into|to)\b"),
        (
            "en.rescue_grab",
            # Held back from danger: "grabbed my arm really hard... to stop me walking into traffic",
            # "grabbed my arm and yanked me back" from a motorbike, "grabbed my hair to hold it back".
            r"\b(?:grabbed|yanked|pulled|caught|held)\s+(?:me|my\s+(?:arm|hand|hair|wrist|shoulder|jacket|hood|collar|sleeve"
            r"|backpack))\b(?:[^!?\n]{0,60}?\bto\s+(?:stop\s+me|hold\s+it|keep\s+(?:me|it)|pull\s+me|save\s+me|help\s+me"
            r"|catch\s+me|steady\s+me|get\s+me\s+out)|\s+(?:\w+\s+){0,3}?(?:and\s+)?(?:yanked|pulled|dragged)\s+me\s+(?:back"
            r"|out\s+of\s+the\s+way|onto\s+the\s+(?:pavement|sidewalk|kerb|curb))\b)",
        ),
        (
            "en.young_child",
            # A small child's tantrum or play, not an adult's violence: "my toddler kicked me and hit me
            # in the face", "our 3 year old whacked me with a toy truck and split my lip".
            r"\b(?:toddler|baby|infant|preschooler|little\s+one|(?:[1-6]|one|two|three|four|five|six)\s*(?:-|\s)?(?:yo|y/o"
            r"|(?:year|yr)s?(?:-|\s)?old)|\d+\s*(?:-|\s)?months?(?:-|\s)?old)\b(?:(?!\b(?:he|she|they|husband|wife|partner"
            r"|boyfriend|girlfriend|dad|father|mum|mom|mother|daddy|mummy|mommy)\b)[^.!?\n]){0,80}?\b(?:hit|hits|hitting|kicked"
            r"|kicks|kicking|bit|bites|biting|whacked|whacks|smacked|smacks|headbutt\w*|punched|punches|scratched|scratches"
            r"|slapped|slaps|pulled|pulls|threw|throws|shoved|shoves|pinched|pinches|elbowed)\s+(?:\w+\s+){0,3}?(?:me|my)\b"
            r"[^.!?\n]*",
        ),
        (
            "en.kitchen_cut",
            r"\b(?:dishwasher|point(?:s|ing)?\s+up|knife\s+block|chopping|cooking|slicing|sharpening|mandoline|grater|tin\s+can"
            r"|can\s+opener)\b[^.!?\n]{0,60}?\bcut\s+myself\b|\bcut\s+myself\b[^.!?\n]{0,40}?\b(?:dishwasher|point(?:s|ing)?\s+up"
            r"|chopping|cooking|slicing|mandoline|grater)\b",
        ),
        (
            "en.quoted_and_clarified",
            # A quoted "I want to die" the writer explains right away (a deck, a match, a hangover).
            r"[\"\u201c\u201e]i\s+(?:want\s+to|wanna|could)\s+die[\"\u201d]?(?=[^\n]{0,120}?\b(?:it\s+was|was\s+(?:just|about)|clarified"
            r"|i\s+meant|meaning)\b[^\n]{0,30}?\b(?:about|embarrass\w*|a\s+joke|joking|kidding|the\s+\w+|losing|lost))",
        ),
        (
            "en.bumped_head",
            r"\b(?:banged|bumped|hit|knocked|smacked|cracked)\s+my\s+head\s+(?:on|against|off)\s+(?:the|a|my|our)\s+(?:\w+\s+){0,2}?"
            r"(?:door|cupboard|cabinet|shelf|ceiling|beam|table|desk|car|boot|trunk|bunk|doorframe|door\s+frame|counter|sink)\b"
            r"(?=[^.!?\n]{0,40}\b(?:getting|when\s+i\s+(?:stood|got|bent|reached|turned)|while|standing\s+up|bending|ouch|oops"
            r"|clumsy|accident\w*))",
        ),
        (
            "en.by_accident",
            r"\b(?:kicked|hit|elbowed|headbutted|whacked|smacked|bumped|bit|scratched|poked|kneed)\s+me\s+(?:\w+\s+){0,5}?"
            r"(?:by\s+accident|accidentally|in\s+(?:his|her|my|their)\s+sleep)\b|\baccidentally\s+(?:kicked|hit|elbowed|headbutted"
            r"|whacked|smacked|bumped|bit|scratched|poked|kneed)\s+me\b",
        ),
        (
            "en.picked_up",
            # Only small children get picked up mid-tantrum: "when I pick him up he headbutts me".
            r"\bwhen\s+i\s+(?:pick|picked|lift|lifted|carry|carried|try\s+to\s+pick)\s+(?:him|her|them)\s+(?:up\s+)?,?\s*(?:he|she|they)\b"
            r"[^.!?\n]*",
        ),
        (
            "en.soft_things",
            r"\bhit\s+(?:me|him|her)\s+with\s+(?:a|the|his|her|my)\s+(?:pillow|cushion|sock|snowball|water\s+balloon|balloon"
            r"|pool\s+noodle|foam\s+\w+|nerf\s+\w+|teddy|plushie|rolled[- ]up\s+\w+)\b",
        ),
        (
            "en.child_wont_let",
            r"\b(?:month-?old|year-?old|toddler|baby|newborn|kids?|children|son|daughter|\d+\s*(?:yo|y/o))\s+(?:who\s+)?"
            r"(?:wont|doesnt|never|will\s+not)\s+let(?:s)?\s+me\b",
        ),
        (
            "en.without_hitting",
            r"\bwithout\s+(?:ever\s+)?(?:once\s+)?(?:hitting|touching|laying\s+a\s+(?:hand|finger)\s+on)\s+me\b",
        ),
        (
            "en.followed_me_home",
            r"\b(?:thing|stuff|it|that|this|work|feeling|mood|story|case)\s+(?:thats|that\s+has|has|that|which\s+has)\s+"
            r"followed\s+me\s+(?:home|around|here)\b|\bfollows\s+me\s+(?:from\s+)?room\s+to\s+room\b",
        ),
        (
            "en.helping_others",
            # Someone else's safety work: "help her with the paperwork for a protection order".
            r"\bhelp(?:ed|ing|s)?\s+(?:her|him|them)\s+(?:\w+\s+){0,6}?(?:protection|restraining|protective)\s+order\b",
        ),
        (
            "en.sport_play",
            # Contact sport: "shoved him in a ruck", "a black eye from an elbow, ref called it".
            r"(?:^|(?<=[.!?\n]))[^.!?\n]*\b(?:ruck|scrum|referee|ref\s+(?:blew|called|gave)|opposition|opponents?|yellow\s+card|red\s+card"
            r"|fouled|penalty\s+(?:box|kick))\b[^.!?\n]*",
        ),
        (
            "en.sport_injury",
            r"\b(?:black\s+eye|bruis\w*|split\s+(?:my\s+)?lip)\b[^.!?\n]{0,40}?\b(?:from|at|during|in)\s+(?:\w+\s+){0,2}?(?:rugby"
            r"|football|soccer|hockey|boxing|sparring|training|practice|match|game|tourney|tournament|elbow|netball|basketball)\b",
        ),
        (
            "en.sport_then_injury",
            r"\b(?:rugby|hockey|boxing|sparring|kickboxing|muay\s+thai|mma|netball)\b[^.!?\n]{0,60}?\b(?:black\s+eye|split\s+(?:my\s+)?lip)\b",
        ),
        (
            "en.overdose_on_trivia",
            r"\boverdos\w*\s+on\s+(?:coffee|caffeine|espresso|sugar|chocolate|candy|sweets|carbs|cheese|netflix|tv|cuteness|love"
            r"|sunshine|vitamin\s+\w+|melatonin\s+gummies|energy\s+drinks|red\s+bull)\b",
        ),
        (
            "en.someone_thinks",
            # Another person's worry the writer answers: "Paolo thinks I'm hurting myself" (boxing bruises).
            r"\b(?:thinks|thought|worried|worries|asked\s+if|asked\s+whether|assumed|suspects?)\s+(?:that\s+)?i\s*(?:m|am|was|ve\s+been"
            r"|had\s+been)\s+(?:\w+\s+)?(?:hurting|harming|cutting)\s+myself\b",
        ),
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
            r"\b(?:suicide|self[- ]harm|domestic\s+(?:violence|abuse)|overdose|abuse)\s+(?:prevention|awareness|hotline|helpline"
            r"|charity|walk|run|fundraiser|training|course|statistics|research|survivors?\s+(?:group|walk)|line|services?|center"
            r"|centre|shelter|advocate|caseworker|worker|program|programme|agency|unit|court|policy|support|numbers?|leaflets?)\b"
            r"|\b(?:work|volunteer\w*|job)\s+(?:at|in|for)\s+(?:a|the)\s+(?:womens?\s+)?(?:shelter|refuge|crisis\s+line)\b"
            r"|\bsuizidpra(?:e)?vention\b|\bprevention\s+du\s+suicide\b|\bprevencion\s+del\s+suicidio\b",
        ),
        (
            "en.martial_arts",
            # Not when the choke came later, at home, or unwanted: "been sparring a lot and last night he
            # choked me until I passed out".
            r"\b(?:krav\s+maga|bjj|jiu[- ]?jitsu|judo|wrestling|mma|martial\s+arts?|sparring|self[- ]defen[cs]e|grappling)\b"
            r"(?![^.!?\n]*\b(?:passed\s+out|blacked\s+out|said\s+no|angry|furious|on\s+purpose|scared|wouldnt\s+stop"
            r"|against\s+my\s+will)\b)"
            r"(?:(?!\b(?:last\s+night|came\s+home|got\s+home|at\s+home|afterwards|later)\b)[^.!?\n]){0,80}?"
            r"\b(?:choke\s*hold|headlock|choked|pinned|tapped\s+out)\b"
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
            r"(?:bringt|wird)\s+mich\s+(?:\w+\s+){0,2}?um(?:bringen)?\b"
            # "bringt mich um den Verstand / den Schlaf" (drives me mad, costs me sleep).
            r"|\bbring\w*\s+(?:\w+\s+){0,4}?um\s+(?:den|meinen|meine|die|das|meinen)\s+(?:verstand|schlaf|nerven|ruhe|letzten\s+nerv"
            r"|spass|appetit)\b"
            # "bringt mich um mit seinem Geschnarche", "... um, wenn sie die Rechnung sieht".
            r"|\bbringt\s+mich\s+(?:noch\s+)?(?:\w+\s+)?um\s+mit\s+(?:seinem|ihrem|seiner|ihrer|seinen|ihren|dem|der|diesem"
            r"|dieser|den)\s+(?!(?:messer|waffe|pistole|ha(?:e)?nden|gewehr|hammer)\b)\w+"
            r"|\bbring\w*\s+mich\s+(?:\w+\s+)?um,?\s+wenn\s+(?:er|sie)\b[^.!?\n]{0,60}?\b(?:rechnung|preis|kosten|ausgegeben"
            r"|bezahlt|gekauft|bestellt|kaputt|delle|kratzer|vergessen|gegessen|getrunken|verloren|tasse|auto|schuhe|kleid|friseur"
            r"|haare|tattoo|spoiler)"
            r"|\b(?:rechnung|delle|kratzer|kaputt\w*|ausgegeben|bezahlt|gekauft|bestellt)\b[^.!?\n]{0,60}?\bbringt\s+(?:er|sie)\s+mich"
            r"\s+um\b",
        ),
        (
            "de.sterbe_vor",
            r"\b(?:sterbe|sterben|gestorben)\s+vor\s+(?:lachen|hunger|langeweile|hitze|scham|neugier|durst|kalte)\b"
            r"|\btotlachen\b|\btodmude\b|\bzum\s+sterben\s+(?:langweilig|schon|gern)\b|\bzeit\s+totschlagen\b",
        ),
        (
            "de.kleinkind",
            # A small child's tantrum: "der Kleine hatte einen Wutanfall und hat mich getreten und gebissen".
            r"\b(?:der\s+kleine|die\s+kleine|unser\w*\s+(?:kleine\w*|baby)|mein\w*\s+(?:kleine\w*|baby)|das\s+baby|kleinkind\w*"
            r"|(?:[1-6]|zwei|drei|vier|fue?nf|sechs)\s*-?\s*(?:jae?hrige\w*|jahre?\s+alte\w*))\b(?:(?!\b(?:mein\s+mann|mein\s+freund"
            r"|meine\s+frau|er\s+hat\s+mich)\b)[^.!?\n]){0,80}?\b(?:getreten|gebissen|geschlagen|gehauen|gekratzt|tritt|beisst|haut"
            r"|schlae?gt|gezwickt)\b[^.!?\n]*",
        ),
        (
            "de.aus_versehen",
            r"\b(?:hat|hatte)\s+mich\s+(?:\w+\s+){0,4}?(?:aus\s+versehen|versehentlich|beim\s+(?:toben|spielen|raufen|schlafen))\s+"
            r"(?:\w+\s+){0,2}?(?:getreten|geschlagen|gehauen|gebissen|gekratzt|geschubst|gestossen)\b",
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
        (
            "fr.trivial_consequence",
            r"\b(?:va|vont|allait)\s+me\s+tuer\s*,?\s+(?:quand\s+(?:il|elle|ils|on)|si\s+(?:elle|on|ils)|sils?|lorsqu\s*(?:il|elle)"
            r"|des\s+qu\s*(?:il|elle))\s+(?:\w+\s+)?(?:voit"
            r"|verra|apprend|apprendra|saura|sait|decouvre|decouvrira|remarque|remarquera|ouvre|recoit)\b[^.!?\n]{0,60}?\b"
            r"(?:facture|prix|depense\w*|achete\w*|commande\w*|casse\w*|mug|tasse|voiture|rayure|chaussures|robe|coupe|cheveux"
            r"|tatouage|oublie\w*|mange\w*|bu|perdu\w*|colis|releve|compte)\b",
        ),
        (
            "fr.rire_et_chagrin",
            r"\btuer\s+de\s+(?:rire|chagrin|fatigue|honte)\b|\bpermission\s+(?:pour|de)\s+respirer\b"
            r"|\bme\s+tue\s+a\s+petit\s+feu\s+avec\s+(?:ses|son|sa|tes|ton|ta)\b",
        ),
        (
            "fr.tout_petit",
            r"\b(?:le\s+petit|la\s+petite|notre\s+(?:petit|petite|bebe)|mon\s+(?:petit|bebe)|ma\s+petite|le\s+bebe|bambin"
            r"|(?:[1-5]|deux|trois|quatre|cinq)\s+ans)\b(?:(?!\b(?:mon\s+mari|mon\s+copain|mon\s+conjoint)\b)[^.!?\n]){0,80}?"
            r"\b(?:ma|mas|me)\s+(?:\w+\s+)?(?:mordue?|tapee?|frappee?|griffee?|donne\s+(?:un|des)\s+coups?|tire\s+les\s+cheveux)\b"
            r"[^.!?\n]*",
        ),
        (
            "fr.par_accident",
            r"\b(?:ma|mas|me)\s+(?:\w+\s+){0,3}?(?:donne\s+(?:un|des)\s+coups?(?:\s+de\s+\w+)?|tapee?|frappee?|mordue?|griffee?"
            r"|poussee?)\b[^.!?\n]{0,30}?\b(?:par\s+accident|sans\s+(?:faire\s+)?expres|en\s+jouant|en\s+dormant)\b",
        ),
        # --- Spanish ---
        (
            "es.me_muero_de",
            r"\bme\s+muero\s+(?:de|por)\s+(?:hambre|risa|ganas|sueno|calor|verguenza|frio|sed|aburrimiento"
            r"|ver\w*|conocer\w*|ir)\b|\bmuert[oa]s?\s+de\s+(?:risa|hambre|cansancio|sueno|verguenza|frio|calor)\b",
        ),
        (
            "es.me_mata",
            r"\b(?:el|la|este|esta|mi|tu|su)\s+(?:trabajo|calor|jefe|jefa|mama|madre|papa|padre|profe|espalda|cabeza"
            r"|trafico|hermana|hermano|suegra|suegro|abuela|abuelo|tia|tio|prima|primo|cunada|cunado|vieja|viejo)\s+"
            r"(?:\w+\s+){0,3}?(?:me\s+)?(?:mata|matar|matara|matando)\b|\bme\s+matas\b|\bmatar\s+el\s+tiempo\b"
            # "lo voy a matar de un infarto", "me mata a disgustos": worry and hyperbole.
            r"|\bmatar\w*\s+(?:de\s+(?:un\s+)?(?:infarto|disgusto|susto|coraje|pena|risa|hambre|aburrimiento|ataque|los\s+nervios)"
            r"|a\s+(?:disgustos|sustos|chistes))\b|\bpermiso\s+(?:hasta\s+)?para\s+respirar\b"
            r"|\bme\s+esta\s+matando\s+(?:con\s+(?:sus|su|tus|tu|tanto|tanta|tantos|tantas|esos|esas|los|las)\s+(?!(?:cuchillo|pistola"
            r"|arma|manos|punos)\b)\w+|de\s+(?:los\s+nervios|disgustos|pena|risa|hambre|sueno|cansancio))"
            r"|\bme\s+mato\s+(?:trabajando|estudiando|a\s+trabajar)\b|\bme\s+corto\s+el\s+pelo\b",
        ),
        (
            "es.storage_and_follow",
            r"\bguarda\w*\s+(?:mi|mis)\s+\w+\s+en\s+(?:la|el|su)\s+(?:caja\s+fuerte|bolso|cartera|mochila|cajon)\b"
            r"|\bme\s+sigue\s+en\s+(?:insta|instagram|twitter|tiktok|redes)\b",
        ),
        (
            "es.trivial_consequence",
            r"\bme\s+(?:va|van)\s+a\s+matar\s*,?\s+(?:cuando|si|en\s+cuanto)\s+(?:\w+\s+)?(?:vea|ve|se\s+entere|se\s+entera|sepa"
            r"|descubra|note|abra|llegue\s+la)\b[^.!?\n]{0,60}?\b(?:gaste|gastado|compre|comprado|pedi|rompi|roto|rota|taza"
            r"|coche|carro|auto|zapatos|vestido|corte|pelo|tatuaje|olvide|comi|perdi|cuenta|factura|precio|cuadro|planta|mata"
            r"|seco|tarjeta)\b",
        ),
        (
            "es.peque",
            r"\b(?:el\s+peque|la\s+peque|el\s+nene|la\s+nena|el\s+bebe|la\s+bebe|mi\s+(?:bebe|peque|nene|nena)|el\s+chiquito"
            r"|la\s+chiquita|(?:mi|el|la)\s+(?:hij[oa]|nin[oa])\s+de\s+(?:[1-5]|dos|tres|cuatro|cinco)\s+anos)\b(?:(?!\b(?:mi\s+"
            r"(?:marido|esposo|novio|pareja)|el\s+me)\b)[^.!?\n]){0,80}?\bme\s+(?:\w+\s+)?(?:pego|pega|mordio|muerde|pateo|patea"
            r"|arano|golpeo|dio\s+(?:una|un))\b[^.!?\n]*",
        ),
        (
            "es.sin_querer",
            r"\bme\s+(?:\w+\s+){0,2}?(?:pego|pateo|golpeo|mordio|empujo|dio\s+(?:una|un)\s+\w+)\b[^.!?\n]{0,30}?\b(?:sin\s+querer"
            r"|por\s+accidente|jugando|dormid[oa])\b",
        ),
        ("es.me_empuja", r"\bme\s+empuj\w*\s+a\s+(?:ser|hacer|mejorar|seguir|estudiar|intentar)\b"),
    )
)


def idiom_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of normalised text covered by a figure of speech."""
    return tuple((m.start(), m.end()) for _, pat in IDIOMS for m in pat.finditer(text))
