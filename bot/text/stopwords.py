"""Words in nearly every story of a language: a query of only these would alert on everything.

Short hand-made lists (articles, pronouns, prepositions, conjunctions, auxiliaries, "new",
"year"), the head of each language's frequency list in news; folded like every matched word,
so "для" and "für"/"fur" are found however they are typed. English lives in bot.text.tokens.
"""

from __future__ import annotations

from bot.text.tokens import STOPWORDS as ENGLISH
from bot.text.tokens import fold

_LISTS = {
    "ru": "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне "
    "было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до "
    "вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя "
    "их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого "
    "какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно "
    "при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве "
    "три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда "
    "конечно всю между это год года новый новые также",
    "uk": "і й та в у на з із зі до від за по про для не що це як але а чи або він вона воно вони ми ви "
    "я ти його її їх був була було були є бути буде може також ще вже так ні тут там де коли який яка "
    "яке які цей ця ці той те після через між над під при без рік року новий нові",
    "az": "və ilə bu o bir da də ki ya yaxud amma lakin çünki üçün kimi qədər sonra əvvəl olan olub "
    "olur oldu edir edib etdi isə hər nə necə niyə harada mən sən biz siz onlar onun onu ona bunu bunun "
    "belə artıq daha ən il ilin yeni görə",
    "tr": "ve ile bu şu o bir da de ki ya veya ama fakat çünkü için gibi kadar sonra önce olan oldu "
    "olarak ise her ne nasıl neden nerede sen biz siz onlar onun onu ona bunu bunun böyle artık "
    "daha en yıl yılı yeni göre mi mı değil",
    "de": "der das den dem des ein eine einer eines einem einen und oder aber nicht kein keine ist "
    "sind wird werden wurde wurden haben hatte sein im in an am auf aus bei mit nach von "
    "vom zu zum zur für über unter vor durch als auch es er sie wir ihr ich du sich dass noch nur "
    "so wie wenn schon mehr neue neuen neues jahr jahre",
    "fr": "le la les l un une des du de d et ou mais ne pas que qui quoi dont où est sont était été "
    "être a ont avait avoir il elle ils elles on nous vous je tu se sa ses leur leurs ce cette ces "
    "dans en au aux sur sous par pour avec sans plus très aussi comme tout tous nouveau nouvelle an "
    "année",
    "es": "el la los las lo un una unos unas y o pero no que qué quien de del al en con por para sin "
    "sobre es fue ser ha han había haber está están se su sus le les él ella ellos nosotros "
    "este esta estos estas ese esa como más muy también ya nuevo nueva año",
    "it": "il lo la i gli le un uno una e o non che chi di del della dei delle da dal in nel nella "
    "con su per tra fra è sono essere ha hanno aveva avere si suo sua suoi lui lei loro questo "
    "questa come più molto anche già nuovo nuova anno",
    "pt": "o a os as um uma uns umas e ou mas não que quem de do da dos das em no na nos nas com por "
    "para sem sobre é são foi ser tem têm havia ter se seu sua seus ele ela eles este esta como "
    "mais muito também já novo nova ano",
}

STOPWORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    lang: frozenset(fold(word) for word in spaced.split()) for lang, spaced in _LISTS.items()
}
STOPWORDS_BY_LANGUAGE["en"] = ENGLISH


def common_in(folded_word: str) -> str | None:
    """The language in which this folded word is in nearly every story, or None."""
    for lang, words in STOPWORDS_BY_LANGUAGE.items():
        if folded_word in words:
            return lang
    return None
