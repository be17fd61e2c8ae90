"""The bundled English word list of the profanity filter (D.84): common profanities and
slurs, lower case, whole words only. Servers add their own words (`PUT /admin/word_list`)
and rooms theirs (`PUT /rooms/{id}/word_list`). Words that are also innocent (ass, cock,
dick, hell, damn, crap) are left out on purpose: a room that wants them adds them."""

from __future__ import annotations

_LIST = """
    fuck fucks fucked fucker fuckers fucking fuckin fuckface fuckhead fuckwit
    motherfucker motherfuckers motherfucking
    shit shits shitty shitting shitted shithead shitheads bullshit horseshit
    bitch bitches bitching bitchy
    bastard bastards
    asshole assholes arsehole arseholes
    cunt cunts
    dickhead dickheads
    wanker wankers
    twat twats
    slut sluts
    whore whores
    jackass dumbass
    faggot faggots
    nigger niggers nigga niggas
"""
WORDS: frozenset[str] = frozenset(_LIST.split())
