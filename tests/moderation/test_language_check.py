import pytest

from moderation.checks import language
from moderation.checks.language import LanguageMatch
from tests.factories import BODY_RU
from tests.moderation.checks_helpers import snapshot

pytestmark = pytest.mark.django_db

BODY_EN = (
    "Residents gathered outside the town hall on Saturday to discuss plans for a new road through the old park. "
    "Council officials said the route could still change, and the contractor promised an answer within two "
    "weeks. Campaigners have collected more than five hundred signatures and asked councillors to keep the trees."
)
BODY_UK = (
    "Мешканці району зібралися біля будівлі адміністрації, щоб обговорити плани будівництва нової дороги. "
    "За словами учасників зустрічі, проєкт передбачає вирубку частини старого скверу, де гуляють родини з "
    "дітьми. Представники підрядника пообіцяли розглянути інший маршрут і повернутися з відповіддю через два "
    "тижні. Активісти зібрали понад п'ятсот підписів і надіслали звернення депутатам міської ради. Їхні вимоги "
    "є простими: зберегти дерева."
)
BODY_BE = (
    "Жыхары раёна сабраліся каля будынка адміністрацыі, каб абмеркаваць планы будаўніцтва новай дарогі. "
    "Паводле ўдзельнікаў сустрэчы, праект прадугледжвае высечку часткі старога сквера, дзе гуляюць сем'і з "
    "дзецьмі. Актывісты сабралі больш за пяцьсот подпісаў і накіравалі зварот дэпутатам гарадскога савета."
)
BODY_KK = (
    "Аудан тұрғындары жаңа жол салу жоспарын талқылау үшін әкімдік ғимаратының алдына жиналды. Кездесуге "
    "қатысушылардың айтуынша, жоба балалы отбасылар серуендейтін ескі саябақтың бір бөлігін кесуді көздейді. "
    "Белсенділер бес жүзден астам қол жинап, қалалық мәслихат депутаттарына өтініш жолдады."
)


def snap(body, language, title="", lead=""):
    return snapshot(title=title, lead=lead, body=body, language=language)


def test_a_russian_text_declared_english_warns_and_names_both_languages():
    result = LanguageMatch().run(snap(BODY_RU, "en", title="Жители против вырубки сквера"))
    assert result.outcome == "warn" and result.score == pytest.approx(0.4)
    assert result.evidence["detected"] == "ru" and result.evidence["declared"] == "en"
    assert result.evidence["confidence"] >= 0.7
    assert [f.code for f in result.findings] == ["language_mismatch"]
    assert "русский" in result.findings[0].ru and "английский" in result.findings[0].ru
    assert "Russian" in result.findings[0].en and "English" in result.findings[0].en


@pytest.mark.parametrize(
    ("body", "code"), [(BODY_EN, "en"), (BODY_RU, "ru"), (BODY_UK, "uk"), (BODY_BE, "be"), (BODY_KK, "kk")]
)
def test_each_site_language_is_recognised_and_passes_when_declared(body, code):
    result = LanguageMatch().run(snap(body, code))
    assert result.outcome == "pass" and result.score == 0.0 and result.findings == []
    assert result.evidence["detected"] == code and result.evidence["confidence"] >= 0.7


def test_a_ukrainian_paragraph_declared_russian_is_told_apart():
    result = LanguageMatch().run(snap(BODY_UK, "ru", title="Мешканці проти вирубки скверу"))
    assert result.outcome == "warn" and result.evidence["detected"] == "uk"
    assert "украинский" in result.findings[0].ru and "Ukrainian" in result.findings[0].en


def test_the_evidence_has_the_top_three_scores():
    evidence = LanguageMatch().run(snap(BODY_RU, "ru")).evidence
    assert set(evidence) == {"detected", "confidence", "declared", "scores"}
    assert len(evidence["scores"]) == 3 and next(iter(evidence["scores"])) == "ru"
    assert set(evidence["scores"]) <= set(language.SITE_LANGUAGES)
    assert all(0.0 <= value <= 1.0 for value in evidence["scores"].values())


@pytest.mark.parametrize(
    "text", ["", "Коротко.", "OK 2024!", "https://example.com/очень-длинная-ссылка-на-статью"]
)
def test_a_short_text_passes_undetected(text):
    result = LanguageMatch().run(snap(text, "en"))
    assert result.outcome == "pass" and result.evidence["detected"] is None and result.findings == []


def test_a_low_confidence_mismatch_passes_with_evidence(monkeypatch):
    class Value:
        def __init__(self, lang, value):
            self.language, self.value = lang, value

    class Unsure:
        def compute_language_confidence_values(self, text):
            return [Value(language.Language.UKRAINIAN, 0.55), Value(language.Language.RUSSIAN, 0.45)]

    monkeypatch.setattr(language, "detector", lambda: Unsure())
    result = LanguageMatch().run(snap(BODY_RU, "ru"))
    assert result.outcome == "pass" and result.score == 0.0
    assert result.evidence["detected"] == "uk" and result.evidence["confidence"] == 0.55


def test_the_detector_is_built_once_per_process():
    assert language.detector() is language.detector()
