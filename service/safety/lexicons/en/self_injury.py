"""English self-injury by any method, told plainly, minimised or misspelled: burning with a
lighter or a hot spoon, cutting "on my thigh", scratching or biting until it bleeds, banging
one's head or punching walls to hurt, purging, starving on purpose, extra pills to "knock
myself out", relapses. Current or recent self-injury is elevated self-harm (not urgent on its
own: it is an act, not a plan). Patterns run on normalised text (see lexicons/en/core.py).

Most rules need the writer as the doer ("I ... burnt my wrist", "went home and cut on my
thigh"), so "she slammed my hand in the door on purpose" stays partner violence.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
E = RiskLevel.ELEVATED

# The writer's own body; "my" is spelled out by each rule.
BODY = (
    r"(?:(?:own|left|right|upper|inner|lower|bare)\s+)?(?:arms?|forearms?|wrists?|thighs?|legs?|hips?|stomach"
    r"|belly|tummy|skin|ankles?|shoulders?|hands?|knuckles|fingers?|finger\s*tips?|thumbs?|head|face|chest|calf|calves|sides?"
    r"|ribs|scalp|neck|feet|foot|toes?|back|breasts?|palms?|elbows?|knees?|shins?|body)"
)
# Words that may sit between "I" and the verb without changing who does it.
_AUX = (
    r"(?:(?:have|had|has|was|am|been|just|then|also|still|kinda|kind\s+of|sort\s+of|actually|did|do|literally"
    r"|finally|always|sometimes|often|even|really|now|secretly|started|start|keep|kept|ended\s+up|would|will|usually"
    r"|only|went\s+and|go\s+and|again|agian)\s+)"
)
# "i", "ive been", "im", or "I ... and" (subject elided after a first-person clause).
SUBJ = (
    rf"(?:\b(?:i|ive|im|id|ill)\s+{_AUX}{{0,3}}"
    # "I went home and ...", but not "the kettle I was boiling for his bath and poured" (he poured).
    r"|\bi\b(?:(?!\b(?:he|she|they|his|her|him|them|their|husband|wife|partner|boyfriend|girlfriend)\b)[^.!?\n]){0,80}?"
    rf"\band\s+(?:then\s+|just\s+)?{_AUX}{{0,2}}"
    # Diary style without "I": "went home and did ...", "got back and cut ...".
    r"|(?:^|(?<=[.!?\n]))\s*(?:then\s+|so\s+)?(?:went|got|came|ran|sat|go|get)\s+(?:\w+\s+){0,4}?and\s+(?:then\s+)?"
    # ... or the verb opening the message or a line: "Pulled my eyelashes out on purpose last night."
    r"|(?:^|(?<=\n))\s*(?:and\s+|then\s+|also\s+|keep\s+|kept\s+)?)"
)
AGAIN = r"(?:again|agian|agan|agen|aigan)"
_BURN = r"(?:burn(?:ed|t|ing|s|d)?|brunt|brunted|burnd|scald(?:ed|ing|s)?|sear(?:ed|ing)?)"
_HOT_TOOL = (
    r"(?:lighter|cigarettes?|cigs?|smokes?|match(?:es)?|candles?|(?:curling\s+|hair\s+)?straighteners|curling\s+iron"
    r"|hot\s+(?:spoon|knife|metal|coin|key|glue\s+gun|wax|pan|water)|(?:hot\s+)?glue\s+gun|heated\s+\w+|spoon"
    r"|lighter\s+flame|flame|boiling\s+water|the\s+(?:kettle|jug)|iron)"
)
_SHARP = (
    r"(?:razors?|razor\s+blades?|blades?|stanley\s+(?:knife|blade)|box\s+cutter|cutter|scissors|compass|safety\s+pin"
    r"|pins?|needles?|(?:broken\s+)?glass|sharpener\s+blade|pencil\s+sharpener|craft\s+knife|knife|tweezers"
    r"|(?:finger)?nails)"
)
# Signs the injury was meant: on purpose, to feel, as punishment, because it helps.
_MEANT_STRONG = (
    r"(?:to\s+(?:feel\s+(?:something|better|real|in\s+control|it)|punish\s+myself|hurt\s+myself|calm\s+(?:myself\s+)?down"
    r"|make\s+(?:it|the\s+\w+)\s+stop|stop\s+(?:feeling|the\s+\w+)|cope|numb)"
    r"|because\s+(?:it|the\s+pain)\s+(?:helps|helped|hurts|hurt|calms|calmed|makes\s+(?:it|my\s+\w+)\s+(?:stop|quiet))"
    r"|because\s+i\s+(?:dont|do\s+not|didnt)\s+deserve|because\s+i\s+(?:felt|feel)\s+like\s+i\s+deserved"
    r"|as\s+(?:a\s+)?punishment|(?:till|until)\s+i\s+(?:felt|feel)\s+(?:calm|better|nothing))"
)
_MEANT = rf"(?:on\s+purpose|deliberately|intentionally|{_MEANT_STRONG})"
_BLOOD = (
    r"(?:until|till|til|untill|to\s+the\s+point|so\s+hard|enough\s+to|hard\s+enough)\b[^.!?\n]{0,30}?\b(?:bleed\w*"
    r"|bled|blood\w*|raw|bruis\w*|broke\s+(?:the\s+)?skin|blister\w*|split\w*|it\s+(?:hurt|hurts|burns|burned|stings)"
    r"|dizzy|i\s+(?:saw|see)\s+stars|swell\w*|swollen|(?:leaves?|left)\s+(?:a\s+)?(?:\w+\s+)?marks?"
    r"|(?:went|turned|was|were|goes|turns)\s+(?:\w+\s+)?(?:purple|black|blue|numb))"
)
# Not the writer's doing: a partner, a relative, a pet ("he burnt my arm with a cigarette").
_NOT_THEM = (
    r"(?<!\bhe\s)(?<!\bshe\s)(?<!\bthey\s)(?<!\bhes\s)(?<!\bshes\s)(?<!\bcat\s)(?<!\bdog\s)(?<!\bwho\s)"
    r"(?<!\bthat\s)(?<!\bhusband\s)(?<!\bwife\s)(?<!\bpartner\s)(?<!friend\s)(?<!\bex\s)(?<!\bmum\s)(?<!\bmom\s)"
    r"(?<!\bdad\s)(?<!\bsister\s)(?<!\bbrother\s)(?<!\bson\s)(?<!\bdaughter\s)(?<!\bkid\s)(?<!\bbaby\s)"
)
# Burns from cooking, ironing or the sun are accidents unless told as meant.
_KITCHEN_GAP = r"(?:(?!(?:oven|stove|hob|pan|pot|tray|kettle|iron|toaster|grill|bbq|coffee|tea|soup|sun|steam|radiator)\b)\w+\s+)"
# An instrument named right after the act belongs to the act ("... with a Stanley blade"), so the
# detector does not read it as a second, separate means of suicide.
TOOL_TAIL = (
    r"(?:[^.!?\n]{0,80}?\b(?:with|using)\s+(?:a|an|the|my|some|his|her)\s+(?:\w+\s+){0,2}?(?:razor\s+blades?|razors?|blades?|knife"
    r"|knives|scissors|lighter|cigarettes?|glass|needle|pin|compass|cutter|tweezers)\b)?"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "burn_with_tool",
        # "burnt my wrist with the lighter agian", "i brunt myself with a lighter on my ankle".
        r"(?:"
        rf"\b(?={_BURN}){_NOT_THEM}\b{_BURN}\s+(?:myself|my\s+(?:\w+\s+)?(?!fingers?\b|thumbs?\b|tongue\b|lips?\b){BODY})\b"
        r"[^.!?\n]{0,40}?\b(?:with|using|against)\s+(?:a|an|the|my|some|his|her)?\s*(?:\w+\s+)?(?:lighter|cigarettes?"
        r"|cigs?|hot\s+(?:spoon|knife|metal|coin|key)|heated\s+(?:spoon|knife|coin|key))\b"
        # Ironing, cooking, hot water and crafts need a sign it was meant.
        rf"|\b(?={_BURN}){_NOT_THEM}\b{_BURN}\s+(?:myself|my\s+(?:\w+\s+)?{BODY})\b[^.!?\n]{{0,40}}?\b(?:with|on|using)\s+(?:a|an|the|my)?"
        r"\s*(?:\w+\s+)?(?:iron|kettle|jug|hot\s+water|boiling\s+water|stove|hob|pan|oven|glue\s+gun|candles?|match(?:es)?"
        rf"|straighteners|curling\s+iron)\b[^!?\n]{{0,50}}?{_MEANT}"
        rf"|{SUBJ}{_BURN}\s+(?:myself|my\s+(?:\w+\s+)?{BODY})\s+{_KITCHEN_GAP}{{0,3}}?{AGAIN}\b"
        rf"|\b(?:keep|kept|been|started)\s+{_BURN}\s+my\s+(?:\w+\s+)?{BODY}\s+with\s+(?:a|the|my)\s+(?:lighter|cigarettes?"
        r"|hot\s+\w+|match(?:es)?|candle)\b"
        rf"|{SUBJ}{_BURN}\s+(?:myself|my\s+(?:\w+\s+)?{BODY})\b[^!?\n]{{0,50}}?{_MEANT}"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "heat_to_skin",
        # "held the lighter to my arm", "pressed the tip of my hot glue gun against my forearm",
        # "heat a steel spoon on the stove and press it on my upper arm", "poured it over my wrist".
        rf"\b(?:held|hold|holding|holds|press\w*|put|putting|touch\w*|stub\w*)\s+(?:\w+\s+){{0,5}}?{_HOT_TOOL}\s+"
        rf"(?:\w+\s+){{0,3}}?(?:to|on|onto|against|into|under|over)\s+(?:the\s+(?:skin|inside|back|top)\s+(?:of|on)\s+)?"
        rf"my\s+(?:\w+\s+)?{BODY}\b"
        rf"|\b(?:heat|heated|heating|heats)\s+(?:\w+\s+){{0,4}}?(?:\w*spoon|knife|metal|coin|key|needle|pin|fork|lighter)\b"
        rf"[^.!?\n]{{0,60}}?\b(?:press|hold|held|put|touch)\w*\s+(?:it|them)\s+(?:on|to|against|into)\s+my\s+(?:\w+\s+)?{BODY}\b"
        rf"|{SUBJ}poured\s+(?:it|(?:the\s+|some\s+)?(?:boiling\s+|hot\s+)?(?:water|kettle|jug|\w+))\s+(?:over|on|onto)\s+"
        rf"(?:the\s+(?:inside|back|top)\s+of\s+)?my\s+(?:\w+\s+)?{BODY}\b"
        rf"|\b(?:hold|held|holding|put|press\w*)\s+ice\s+(?:\w+\s+){{0,3}}?(?:on|to|against)\s+my\s+(?:\w+\s+)?{BODY}\s+with\s+salt\b",
        E,
    ),
    _r(
        "self_harm",
        "marks_made",
        # "did cigarette burns on my hip", "gave myself burns", "did three lines on my hip".
        r"(?:"
        rf"{SUBJ}(?:did|made|do|doing|gave\s+myself|give\s+myself|giving\s+myself)\s+(?:\w+\s+){{0,3}}?(?:burns|lines|cuts"
        rf"|marks|slashes|scratches)\s+(?:on|into|across|to)\s+my\s+(?:\w+\s+)?{BODY}\b"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "cutting_plain",
        # "i cut on my thigh", "i was cuting agian, my arm", "carved her initial into my thigh".
        r"(?:"
        rf"{SUBJ}(?:cut|cutting|cuts|slic(?:e|ed|ing)|slash(?:ed|ing)?)\s+(?:on|into|across|up)\s+my\s+(?:\w+\s+)?{BODY}\b"
        rf"|\b(?:cutting|cuting|cutt?ing)\s+(?:myself\s+)?{AGAIN}\b|\b(?:started|start|starting)\s+(?:cutting|burning)\s+"
        rf"(?:myself\s+)?{AGAIN}\b|{SUBJ}(?:cut|burnt|burned|brunt)\s+(?:myself\s+)?{AGAIN}\b"
        rf"|{SUBJ}(?:was|am|been|started|keep|kept|back\s+to)\s+(?:cutting|burning)(?=\s*(?:[.,;!?]|$)|\s+(?:{AGAIN}|myself"
        rf"|on\s+my|into\s+my|my\s+(?:\w+\s+)?{BODY}|at\s+night|every\s+(?:night|day)|when|whenever|after\s+(?:we|he|she|every)"
        r"|in\s+the\s+(?:bathroom|shower)|to\s+(?:cope|feel)|where)\b)"
        rf"|\b(?=carv){_NOT_THEM}\bcarv(?:e|ed|ing)\s+(?:\w+\s+){{0,4}}?(?:into|on)\s+my\s+(?:\w+\s+)?{BODY}\b"
        rf"|{SUBJ}(?:cut|slic\w*|slash\w*|stab\w*|scratch\w*)\s+(?:myself|my\s+(?:\w+\s+)?(?!fingers?\b|thumbs?\b|hands?\b)"
        rf"{BODY})\s+(?:\w+\s+){{0,3}}?with\s+(?:a|an|the|my|some)?\s*(?:\w+\s+)?{_SHARP}\b(?![^.!?\n]{{0,60}}\b(?:while"
        r"|chopping|cooking|slicing|dicing|peeling|shaving|opening|carving\s+(?:a|the)|kitchen\s+knife|by\s+accident"
        r"|accidentally))"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "until_it_bleeds",
        # "ive been biting my arms till they bleed", "picking at my skin until it bleeds",
        # "scratched my forearm with a safety pin till it bled", "punched the wall until my knuckles split".
        r"(?:"
        rf"{SUBJ}(?:scratch\w*|pick\w*|dig\w*|claw\w*|bit|bite|bites|biting|chew\w*|tear\w*|tore|rip\w*|pinch\w*"
        rf"|scrub\w*|hit\w*|punch\w*|slap\w*|smack\w*|bang\w*|cut\w*|burn\w*|pull\w*|twist\w*)\s+(?:at\s+|into\s+|out\s+)?"
        rf"(?:the\s+(?:inside|back|side|top)\s+of\s+)?(?:myself|my\s+(?:\w+\s+)?{BODY}|my\s+hair|the\s+skin)\b[^.!?\n]{{0,50}}?{_BLOOD}"
        # A clause opening on the act: "..., twisting the skin until it bruises purple".
        rf"|(?:^|(?<=[,;:.!?\n])\s*)(?:pinching|twisting|scratching|picking\s+at|digging\s+into|biting|clawing\s+at)\s+(?:myself"
        rf"|the\s+skin|my\s+own\s+\w+)\b[^.!?\n]{{0,50}}?{_BLOOD}"
        rf"|{SUBJ}(?:punch\w*|hit\w*|smash\w*|slam\w*)\s+(?:the|a|my|our)?\s*(?:\w+\s+){{0,2}}?(?:walls?|mirror|doors?"
        rf"|door\s*frame|window|fridge)\b[^.!?\n]{{0,40}}?\b(?:until|till|til)\s+my\s+(?:\w+\s+)?{BODY}"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "head_banging",
        # "when it gets too loud in my head I bang my head on the wall", "hit my head with both fists".
        rf"{SUBJ}(?:bang\w*|hit\w*|slam\w*|smash\w*|bash\w*|knock\w*|punch\w*)\s+my\s+(?:own\s+)?head\s+(?:\w+\s+){{0,2}}?"
        r"(?:on|against|into|off|onto)\s+(?:the|my|our)\s+(?!brick\b)(?:\w+\s+)?(?:walls?|floor|door|doorframe|door\s+frame"
        r"|tiles?|mirror|headboard|radiator|ground)\b(?!\s+(?:trying|over|about|with\s+(?:him|her|this|it|them)|here|at\s+work))"
        r"(?=[^!?\n]{0,80}\b(?:until|till|til|over\s+and\s+over|again\s+and\s+again|repeatedly|\d+\s+times|(?:a\s+few|a\s+good"
        r"\s+few|several|many|so\s+many)\s+times|on\s+purpose|to\s+(?:make|stop|feel|calm|hurt)|lump|bruis\w*|concussion"
        r"|stars|dizzy|bleed\w*|bled))"
        r"|\b(?:when|whenever|every\s+time)\b(?![^.!?\n]{0,60}\b(?:stood|stand(?:ing)?\s+up|got\s+up|getting\s+up|bent|bending"
        r"|reached|slipped|fell|tripped|ducked|climb\w*)\b)[^.!?\n]{0,60}?\bi\s+[^.!?\n]{0,30}?\b(?:bang|hit|slam|bash|knock)\w*"
        r"\s+my\s+(?:own\s+)?head\s+(?:\w+\s+){0,2}?(?:on|against|into|off)\s+(?:the|my|a)\s+(?!brick\b)(?:\w+\s+)?"
        r"(?:walls?|floor|door|doorframe|door\s+frame|tiles?|mirror|headboard|radiator|ground)\b"
        rf"|{SUBJ}(?:hit\w*|punch\w*|slap\w*|smack\w*|beat\w*|pound\w*|thump\w*)\s+(?:myself|my\s+(?:own\s+)?(?:head|face"
        r"|legs?|thighs?|stomach|chest|arms?|temples?))\s+(?:\w+\s+){0,2}?with\s+(?:both\s+|my\s+(?:own\s+)?)?(?:fists?|hands?"
        r"|a\s+(?:hammer|hairbrush|book|shoe))\b",
        E,
    ),
    _r(
        "self_harm",
        "meant_injury",
        # Any injury the writer did to themself "on purpose": "slammed my hand in the truck door. On purpose."
        r"(?:"
        rf"{SUBJ}(?:cut\w*|burn\w*|brunt|scratch\w*|pick\w*|hit\w*|punch\w*|slap\w*|bang\w*|slam\w*|smash\w*|bash\w*"
        rf"|bit|bite\w*|biting|stab\w*|pinch\w*|twist\w*|bend\w*|bent|broke|break\w*|scald\w*|crush\w*|shut|jam\w*"
        rf"|kick\w*)\s+(?:the\s+(?:inside|back|side|top)\s+of\s+)?(?:myself|my\s+(?:own\s+)?(?:\w+\s+)?{BODY})\b[^!?\n]{{0,60}}?"
        rf"{_MEANT}"
        rf"|{SUBJ}pull\w*\s+(?:out\s+)?(?:my\s+hair|(?:the\s+)?hair|chunks\s+of\s+(?:my\s+)?hair|(?:my\s+)?eyelashes"
        rf"|(?:my\s+)?eyebrows)\b[^!?\n]{{0,60}}?{_MEANT}"
        rf"|{SUBJ}(?:punch\w*|hit\w*|smash\w*|bash\w*)\s+(?:the|a|my)\s+(?:\w+\s+)?(?:walls?|mirror)\b[^!?\n]{{0,60}}?"
        r"(?:on\s+purpose|deliberately|to\s+(?:hurt|feel|punish))"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "purging",
        r"\b(?:make|made|making|makes)\s+myself\s+(?:sick|throw\s+up|vomit|puke|gag|purge)\b"
        r"(?!\s+(?:with|from|over|about|worrying|thinking|laughing|eating|drinking|of|by|on|sick|crying|stressing))"
        r"|\b(?:stick|stuck|sticking|put|putting)\s+my\s+fingers?\s+down\s+my\s+throat\b"
        r"|\bbinge\w*\s+and\s+purg\w*|\bpurg(?:e|ed|ing)\s+(?:after|again|agian|every)\b"
        rf"|{SUBJ}purg(?:e|ed|ing)\b(?!\s+(?:my|the|our|old|all|some|a|his|her|through|of|clothes|stuff|files|emails"
        r"|inbox|wardrobe|closet|house|cupboards?|it|them|everything|junk|toys|books)\b)"
        rf"|{SUBJ}(?:throw|threw|throwing|been\s+throwing)\s+up\s+(?:\w+\s+){{0,3}}?(?:on\s+purpose|deliberately"
        r"|after\s+(?:every|each)\s+meal|so\s+i\s+(?:dont|wont|do\s+not)\s+(?:gain|get\s+fat|put\s+on))",
        E,
    ),
    _r(
        "self_harm",
        "starving",
        rf"{SUBJ}(?:not\s+eating|stopped\s+eating|havent\s+eaten|have\s+not\s+eaten|didnt\s+eat|barely\s+eat\w*"
        r"|refus\w+\s+to\s+eat|starv\w+)\b[^.!?\n]{0,60}?(?:on\s+purpose|deliberately)"
        rf"|{SUBJ}(?:not\s+eating|stopped\s+eating|skip(?:ping|ped)?\s+(?:\w+\s+)?(?:meals|dinner|lunch|breakfast|food"
        r"|eating)|havent\s+eaten|have\s+not\s+eaten|didnt\s+eat|barely\s+eat\w*|refus\w+\s+to\s+eat|starv\w+)\b"
        rf"[^.!?\n]{{0,60}}?(?:{_MEANT_STRONG}|to\s+feel\s+(?:clean|empty|light|in\s+control))"
        r"|\bi\s+(?:dont|do\s+not|didnt)\s+deserve\s+(?:to\s+eat|food|dinner|lunch|breakfast|meals?|to\s+have\s+(?:dinner"
        r"|lunch|food))\b"
        r"|\b(?:only|just)\s+(?:eat|eating|ate|had|having|allow\s+myself)\s+(?:one|an?|half\s+an?)\s+(?:apple|yogh?urt"
        r"|rice\s+cake|cracker|banana)\s+(?:a|per)\s+day\b",
        E,
    ),
    _r(
        "self_harm",
        "knock_myself_out",
        # Extra pills to blank out, not to die: "took extra sleeping pills to knock myself out".
        r"\b(?:took|take|taking|swallowed|popped|downed|taken|takes)\s+(?:\w+\s+){0,2}?(?:extra|more|double|triple"
        r"|a\s+(?:handful|bunch|lot)|too\s+many|loads|\d{2,}|all|half\s+(?:a|the)\s+(?:bottle|box|pack))\s+"
        r"(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+)?(?:\w+\s+)?(?:pills|tablets|meds|painkillers|sleeping\s+pills|medication"
        r"|xanax|valium|benadryl|nytol|zopiclone|codeine|tramadol|gabapentin|seroquel|antihistamines)\b[^.!?\n]{0,50}?"
        r"\b(?:to\s+(?:knock\s+myself\s+out|pass\s+out|black\s*out|not\s+feel|numb|stop\s+feeling|escape|disappear|be\s+gone"
        r"|switch\s+off|sleep\s+for\s+(?:days|a\s+day|ever)|make\s+it\s+(?:all\s+)?stop)"
        r"|so\s+i\s+(?:wouldnt|would\s+not|dont|didnt|wont)\s+(?:have\s+to\s+)?(?:feel|think|wake)"
        r"|so\s+i\s+(?:could|can|would)\s+(?:just\s+)?(?:switch\s+off|black\s*out|pass\s+out|escape|disappear|not\s+feel"
        r"|sleep\s+for\s+(?:days|a\s+day|ever)))"
        r"|\bknock(?:ed|ing)?\s+myself\s+out\s+with\s+(?:\w+\s+){0,2}?(?:pills|tablets|meds|sleeping\s+pills|painkillers"
        r"|medication)\b(?![^.!?\n]{0,30}\bfor\s+the\s+(?:flight|plane|trip|red-?eye))",
        E,
    ),
    _r(
        "self_harm",
        "relapse",
        r"\brelaps(?:e|ed|ing)\s+(?:on|with|into|back\s+into)\s+(?:cutting|self[- ]?harm\w*|sh|burning|purging|bulimia"
        r"|anorexia|restricting|hurting\s+myself|scratching|my\s+(?:ed|eating\s+disorder))\b"
        r"|\b(?:self[- ]?harm|sh|cutting|burning|purging)\s+relapse\b"
        r"|\b(?:my\s+)?(?:bulimia|anorexia|eating\s+disorder)\s+(?:is|has\s+(?:come|been)|came)\s+back\b"
        # "relapsed after 40 days", unless it is about drink, smoking, drugs or diets.
        r"|\brelaps(?:e|ed)\s+(?:after|at|on\s+day)\s+(?:\d+|\w+)\s+(?:days?|weeks?|months?|years?)\b(?!\s+(?:sober|dry|off"
        r"|without))(?![^.!?\n]{0,80}\b(?:sober|drink\w*|drunk|alcohol|beer|wine|vodka|smok\w*|cigarettes?|vap\w*|weed"
        r"|gambl\w*|porn|diet\w*|sugar|coffee|caffeine|nicotine|drugs?|coke|using|meetings?|sponsor|aa|na)\b)",
        E,
    ),
    _r(
        "self_harm",
        "did_the_thing",
        # Minimised: "did the thing again on friday ... only on my hip, only three lines".
        r"(?:"
        rf"\b(?:i|ive)\s+(?:just\s+)?did\s+it\s+{AGAIN}\b[^\n]{{0,60}}?\b(?:razor|blade|(?:the|a|my)\s+lighter|cutting|burning"
        r"|cuts|burns)\b"
        rf"|\bdid\s+the\s+thing\s+(?:{AGAIN}|i\s+(?:said|promised|swore|told\s+\w+)\s+i\s*(?:wouldnt|would\s+not|wont|d\s+stop"
        r"|would\s+stop))\b(?:[^\n]{0,200}?\b(?:razor|blade|lighter)\b|(?=[^\n]{0,200}?\b(?:only\s+(?:on\s+)?my\s+\w+|on\s+my\s+(?:\w+\s+)?(?:hips?|thighs?|arms?|wrists?"
        r"|legs?|stomach|ankles?|skin)|lines?|cuts?|burns?|blisters?|plasters?|band-?aids?|bandages?|butterfly\s+strips?"
        r"|steri-?strips?|cleaned\s+(?:it|them|the\s+\w+)|long\s+sleeves|scars?|bled|bleeding)))"
        rf"){TOOL_TAIL}",
        E,
    ),
    _r(
        "self_harm",
        "hurt_my_body",
        # "i hate my body now and some nights i hurt it".
        r"\bmy\s+body\b[^.!?\n]{0,60}?\bi\s+(?:\w+\s+)?(?:hurt|cut|burn|punish|starve|hit)\s+it\b",
        E,
    ),
)
